import Foundation
import Vapor
import RectifyCore

/// `rectify report --inspection ID [--round ID | --date YYYY-MM-DD] [--format text|html|docx] [--output FILE]`:
/// the official progress report of one inspection, as the web and API produce it.
struct ReportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "inspection", help: "督察编号") var inspection: Int?
        @Option(name: "round", help: "已结束的调度编号:按其冻结的数字出报告") var round: Int?
        @Option(name: "date", help: "按某日(如 2018-06-30)当天结束时的台账出报告") var date: String?
        @Option(name: "format", help: "text(默认)、html 或 docx") var format: String?
        @Option(name: "output", help: "写入文件(默认输出到屏幕)") var output: String?
        init() {}
    }

    var help: String { "生成督察整改落实情况报告" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let id = signature.inspection else {
            throw StartupError("缺少参数:需要 --inspection(督察编号),例如 rectify report --inspection 1")
        }
        let format = signature.format ?? "text"
        guard ["text", "html", "docx"].contains(format) else {
            throw StartupError("报告格式应为 text、html 或 docx。")
        }
        if format == "docx", signature.output == nil {
            throw StartupError("Word 格式须写入文件:请加 --output 报告.docx")
        }
        var date: LocalDate?
        if let text = signature.date {
            guard let d = LocalDate(iso: text) else { throw StartupError("日期应写成 2018-06-30 的格式。") }
            guard signature.round == nil else { throw StartupError("--date 和 --round 只能选一个。") }
            date = d
        }
        let app = context.application
        try await app.prepareDatabase()
        // Lights and statuses true for today, as the server would show them.
        try await app.statusFreshness.ensure(app)
        let report: OfficialReport
        do {
            report = try await OfficialReportBuilder.build(inspectionID: id, roundID: signature.round, date: date, access: .system,
                                                           today: app.clock.today, on: app.db)
        } catch let e as AppError {
            throw StartupError(e.status == .notFound ? "没有编号为 \(signature.round.map { "\($0) 的调度或" } ?? "")\(id) 的督察。" : e.message)
        }
        let out = format == "html" ? OfficialReportBuilder.html(report) : report.text
        if let path = signature.output {
            let data = format == "docx" ? try OfficialReportBuilder.docx(report) : Data(out.utf8)
            do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
                throw StartupError("无法写入 \(path):请检查路径和权限。")
            }
            context.console.print("已写入 \(path)")
        } else {
            context.console.output(out.consoleText())
        }
    }
}
