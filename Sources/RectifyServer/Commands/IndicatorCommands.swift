import Foundation
import Vapor
import RectifyCore

/// `rectify indicators list | import` (issue 15 §4): the office's indicators from a
/// terminal, through the same board and import as the pages and the API.
struct IndicatorCommands: AsyncCommandGroup {
    let commands: [String: any AnyAsyncCommand]
    var help: String { "目标指标:list 各地区目标、最新值和灯色,import 导入监测值" }
}

/// `rectify indicators list [--region CODE]`: each target with its latest value, light and the report's sentence.
struct IndicatorListCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "region", help: "只列该地区及其下级(六位代码)") var region: Int?
        init() {}
    }

    var help: String { "列出各地区的指标目标、最新值、灯色和同比" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.prepareDatabase()
        if let r = signature.region, !Bounds.region.contains(r) { throw StartupError("地区代码应为六位数字,如 210000") }
        let board = try await IndicatorBoard.load(.system, .init(region: signature.region.map(Access.subtree(of:))), on: app.db)
        guard !board.lines.isEmpty else {
            context.console.print("还没有设置目标指标。")
            return
        }
        for l in board.lines {
            let head = "\(l.regionName) \(l.spec.name):基准 \(l.path.baselineYear) 年 \(IndicatorNumber.format(l.path.baselineValue, l.spec.decimals)),"
                + "目标 \(l.path.targetYear) 年 \(IndicatorNumber.format(l.path.targetValue, l.spec.decimals)) \(l.spec.unit)"
            context.console.print(head)
            if let p = l.latest {
                context.console.print("  [\(l.light(p).label)] " + l.sentence(at: p))
            } else {
                context.console.print("  尚无监测值")
            }
        }
    }
}

/// `rectify indicators import FILE [--apply] [--json]`: values (XLSX or CSV); a preview
/// unless --apply, then one transaction or nothing.
struct IndicatorImportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "监测值表(.xlsx 或 UTF-8 CSV):指标、地区、期间(或年份、月份)、数值、单位") var file: String
        @Flag(name: "apply", help: "确认写入(默认只预览)") var apply: Bool
        @Flag(name: "json", help: "以 JSON 输出预览") var json: Bool
        init() {}
    }

    var help: String { "导入指标监测值(XLSX/CSV):先预览,加 --apply 写入" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let data = try ImportCommand.read(signature.file)
        let app = context.application
        try await app.prepareDatabase()
        let preview: IndicatorImport.Preview
        do {
            preview = signature.apply
                ? try await IndicatorImport.apply(data: data, access: .system, clock: app.clock, on: app.db)
                : try await IndicatorImport.plan(data: data, access: .system, today: app.clock.today, on: app.db).preview
        } catch let e as AppError {
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
        context.console.print("表头在第 \(preview.headerLine) 行;新增 \(preview.create) 个,更正 \(preview.update) 个,无变化 \(preview.same) 个,有问题 \(preview.errors) 行")
        for row in preview.rows where row.action == "update" {
            context.console.print("  第 \(row.line) 行 \(row.region) \(row.indicator) \(row.period):原为 \(row.before.map { String($0) } ?? ""),将更正为 \(row.value.map { String($0) } ?? "")")
        }
        for row in preview.rows where row.action == "error" {
            for p in row.problems { context.console.print("  第 \(row.line) 行:\(p)") }
        }
        if preview.applied {
            context.console.print("已导入。")
        } else if preview.errors > 0 {
            context.console.print("有问题的行须先修改;修改后再预览,无问题时加 --apply 导入。")
        } else if preview.create + preview.update > 0 {
            context.console.print("这是预览,尚未写入。确认无误后加 --apply 导入。")
        } else {
            context.console.print("表中的值都已登记,无需导入。")
        }
    }
}
