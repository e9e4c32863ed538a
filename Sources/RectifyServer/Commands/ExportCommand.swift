import Foundation
import SQLKit
import Vapor
import RectifyCore

/// `rectify export [--inspection ID] [--region CODE] [--format csv|xlsx] [--output FILE]`:
/// the ledger in the standard columns as CSV (UTF-8 with BOM) or XLSX, as
/// GET /api/v1/tasks/export.csv and export.xlsx give it.
struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "inspection", help: "只导出该督察的任务") var inspection: Int?
        @Option(name: "region", help: "只导出该地区(含下级)的任务") var region: Int?
        @Option(name: "format", help: "csv(默认)或 xlsx") var format: String?
        @Option(name: "output", help: "写入文件(默认输出到屏幕;xlsx 必须写入文件)") var output: String?
        init() {}
    }

    var help: String { "导出台账(CSV 或 XLSX,标准列)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.prepareDatabase()
        // Lights and statuses true for today, as the server would show them.
        try await app.statusFreshness.ensure(app)
        guard let sql = app.db as? any SQLDatabase else { return }
        var filter = LedgerQuery.Filter()
        filter.inspection = signature.inspection
        filter.region = signature.region
        let export = LedgerExport(query: LedgerQuery(access: .system), db: sql)
        let format = signature.format ?? (signature.output?.lowercased().hasSuffix(".xlsx") == true ? "xlsx" : "csv")
        guard ["csv", "xlsx"].contains(format) else { throw StartupError("导出格式应为 csv 或 xlsx。") }
        if format == "xlsx" {
            guard let path = signature.output else { throw StartupError("XLSX 须写入文件:请加 --output 台账.xlsx") }
            do {
                try await export.writeXLSX(filter, to: URL(fileURLWithPath: path))
            } catch let e as CocoaError {
                throw StartupError("无法写入 \(path):\(e.localizedDescription)")
            }
            context.console.print("已导出到 \(path)")
            return
        }
        if let path = signature.output {
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                throw StartupError("无法写入 \(path):请检查路径和权限。")
            }
            defer { try? handle.close() }
            try await export.write(filter) { handle.write(Data($0.utf8)) }
            context.console.print("已导出到 \(path)")
        } else {
            try await export.write(filter) { context.console.output($0.consoleText(), newLine: false) }
        }
    }
}
