import Foundation
import Vapor
import RectifyCore

/// `rectify import --inspection ID FILE [--apply] [--json]`: an office's ledger (XLSX or
/// CSV) into one inspection. Without --apply it only previews, as the page does;
/// with --apply it writes everything in one transaction, or nothing if a row has a problem.
struct ImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "台账文件(.xlsx 或 UTF-8 CSV)") var file: String
        @Option(name: "inspection", help: "导入到哪个督察(编号)") var inspection: Int?
        @Flag(name: "apply", help: "确认写入(默认只预览)") var apply: Bool
        @Flag(name: "json", help: "以 JSON 输出预览") var json: Bool
        init() {}
    }

    var help: String { "导入台账(XLSX/CSV):先预览,加 --apply 写入" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let id = signature.inspection else {
            throw StartupError("缺少参数:需要 --inspection(督察编号),例如 rectify import --inspection 1 台账.xlsx")
        }
        let data = try Self.read(signature.file)
        let app = context.application
        try await app.prepareDatabase()
        let service = LedgerImport(db: app.db, access: .system, clock: app.clock)
        let preview: LedgerImport.Preview
        do {
            preview = signature.apply ? try await service.apply(inspectionID: id, data: data)
                                      : try await service.plan(inspectionID: id, data: data).preview
        } catch let e as AppError {
            if e.status == .notFound { throw StartupError("没有编号为 \(id) 的督察。") }
            if e.code == "ledger.rowsInvalid" {
                for v in e.violations.prefix(50) { context.console.error(v.message) }
                if e.violations.count > 50 { context.console.error("……另有 \(e.violations.count - 50) 处问题") }
            }
            throw StartupError(e.violations.isEmpty || e.code == "ledger.rowsInvalid" ? e.message
                               : e.violations.map(\.message).joined(separator: ";"))
        }
        if signature.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            context.console.output(String(decoding: try encoder.encode(preview), as: UTF8.self).consoleText())
            return
        }
        let c = preview.counts
        context.console.print("表头在第 \(preview.headerLine) 行;新建 \(c.create) 项,更新 \(c.update) 项,无变化 \(c.unchanged) 项,有问题 \(c.invalid) 行"
                              + (preview.newProblems.isEmpty ? "" : ";将新建反馈问题 \(preview.newProblems.count) 个"))
        if !preview.ignoredColumns.isEmpty {
            context.console.print("未导入的列:\(preview.ignoredColumns.joined(separator: "、"))")
        }
        for row in preview.rows where row.action == "update" {
            context.console.print("  第 \(row.line) 行 序号 \(row.number.map(String.init) ?? "?"):更新 \(row.changes.joined(separator: "、"))")
        }
        for row in preview.rows where row.action == "invalid" {
            for p in row.problems { context.console.print("  第 \(row.line) 行:\(p.message)") }
        }
        if preview.applied {
            context.console.print("已导入。")
        } else if c.invalid > 0 {
            context.console.print("有问题的行须先修改;修改后再预览,无问题时加 --apply 导入。")
        } else if c.create + c.update > 0 {
            context.console.print("这是预览,尚未写入。确认无误后加 --apply 导入。")
        } else {
            context.console.print("与系统中的台账一致,无需导入。")
        }
    }
}

extension ImportCommand {
    /// A file to import: there, not a directory, within the upload limit.
    static func read(_ path: String) throws -> Data {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              (attributes[.type] as? FileAttributeType) != .typeDirectory else {
            throw StartupError("找不到文件 \(path)。")
        }
        if let size = (attributes[.size] as? NSNumber)?.intValue, size > LedgerImport.maxFileBytes {
            throw StartupError("文件 \(path) 超过 20 MB:请拆分后分批导入。")
        }
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }
}
