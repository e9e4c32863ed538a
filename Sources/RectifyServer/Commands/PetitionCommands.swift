import Foundation
import SQLKit
import Vapor
import RectifyCore

/// `rectify petitions list | import | export` (issue 13): the office's petition work
/// from a terminal, through the same services as the pages and the API.
struct PetitionCommands: AsyncCommandGroup {
    let commands: [String: any AnyAsyncCommand]
    var help: String { "信访举报件:list 各批次办理情况,import 导入交办清单,export 导出办理情况一览表" }
}

/// `rectify petitions list [--inspection ID]`: each batch with its cases by status, and
/// each inspection's report sentence.
struct PetitionListCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "inspection", help: "只列该督察的批次") var inspection: Int?
        init() {}
    }

    var help: String { "列出交办批次及各状态件数、办结率" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.prepareDatabase()
        var batches = try await PetitionAPI.batches(.system, on: app.db)
        if let id = signature.inspection { batches = batches.filter { $0.inspectionID == id } }
        guard !batches.isEmpty else {
            context.console.print(signature.inspection == nil ? "还没有交办批次。" : "督察 \(signature.inspection!) 没有交办批次。")
            return
        }
        let figures = try await PetitionService.figures(inspectionIDs: Array(Set(batches.map(\.inspectionID))), on: app.db)
        for (inspection, group) in Dictionary(grouping: batches, by: \.inspectionID).sorted(by: { $0.key < $1.key }) {
            context.console.print("督察 \(inspection):" + (figures[inspection]?.sentence ?? ""))
            for b in group {
                let counts = PetitionStatus.allCases.map { "\($0.label) \(b.byStatus[$0.rawValue] ?? 0)" }.joined(separator: "、")
                context.console.print("  批次 \(b.id) 第\(b.number)批 \(b.handedOverOn) 交办,\(b.replyBy) 前办结:共 \(b.cases) 件(\(counts))")
            }
        }
    }
}

/// `rectify petitions import FILE --batch ID [--apply] [--json]`: the team's list (XLSX
/// or CSV) into a batch; a preview unless --apply, then one transaction or nothing.
struct PetitionImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "交办清单(.xlsx 或 UTF-8 CSV)") var file: String
        @Option(name: "batch", help: "导入到哪个批次(编号)") var batch: Int?
        @Flag(name: "apply", help: "确认写入(默认只预览)") var apply: Bool
        @Flag(name: "json", help: "以 JSON 输出预览") var json: Bool
        init() {}
    }

    var help: String { "导入交办清单(XLSX/CSV):先预览,加 --apply 写入" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let batch = signature.batch else {
            throw StartupError("缺少参数:需要 --batch(批次编号,见 rectify petitions list),例如 rectify petitions import 清单.xlsx --batch 1")
        }
        let data = try ImportCommand.read(signature.file)
        let app = context.application
        try await app.prepareDatabase()
        let preview: PetitionImport.Preview
        do {
            preview = signature.apply
                ? try await PetitionImport.apply(batchID: batch, data: data, access: .system, clock: app.clock, on: app.db)
                : try await PetitionImport.plan(batchID: batch, data: data, access: .system, on: app.db).preview
        } catch let e as AppError {
            if e.status == .notFound { throw StartupError("没有编号为 \(batch) 的批次。") }
            throw StartupError(e.violations.isEmpty ? e.message : e.violations.map(\.message).joined(separator: ";"))
        } catch let e as ValidationFailure {
            throw StartupError(e.violations.map(\.message).joined(separator: ";"))
        }
        if signature.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            context.console.output(String(decoding: try encoder.encode(preview), as: UTF8.self).consoleText())
            return
        }
        context.console.print("表头在第 \(preview.headerLine) 行;新登记 \(preview.create) 件,已有 \(preview.exists) 件,有问题 \(preview.errors) 行")
        for row in preview.rows where row.repeats > 0 && row.action == "create" {
            context.console.print("  第 \(row.line) 行 \(row.caseNumber):同一对象此前被举报 \(row.repeats) 次(重复举报)")
        }
        for row in preview.rows where row.action == "error" {
            for p in row.problems { context.console.print("  第 \(row.line) 行:\(p)") }
        }
        if preview.applied {
            context.console.print("已导入。")
        } else if preview.errors > 0 {
            context.console.print("有问题的行须先修改;修改后再预览,无问题时加 --apply 导入。")
        } else if preview.create > 0 {
            context.console.print("这是预览,尚未写入。确认无误后加 --apply 导入。")
        } else {
            context.console.print("清单中的件都已登记,无需导入。")
        }
    }
}

/// `rectify petitions export --batch ID --output FILE.xlsx [--public]`: a batch's
/// 办理情况一览表, never with the complainant; --public lists only the handled cases,
/// as the portal does.
struct PetitionExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "batch", help: "批次编号") var batch: Int?
        @Option(name: "output", help: "写入的 .xlsx 文件") var output: String?
        @Flag(name: "public", help: "只列已办结和阶段性办结的件(与公开页面相同)") var isPublic: Bool
        init() {}
    }

    var help: String { "导出一批的办理情况一览表(XLSX)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let id = signature.batch else { throw StartupError("缺少参数:需要 --batch(批次编号,见 rectify petitions list)") }
        guard let path = signature.output else { throw StartupError("缺少参数:需要 --output 一览表.xlsx") }
        let app = context.application
        try await app.prepareDatabase()
        guard try await PetitionBatch.find(id, on: app.db) != nil else { throw StartupError("没有编号为 \(id) 的批次。") }
        let rows = try await HandlingListExport.cases(batchID: id, access: signature.isPublic ? nil : .system, on: app.db)
        do {
            try HandlingListExport.writeXLSX(rows, to: URL(fileURLWithPath: path))
        } catch let e as CocoaError {
            throw StartupError("无法写入 \(path):\(e.localizedDescription)")
        }
        context.console.print("已导出 \(rows.count) 件到 \(path)")
    }
}
