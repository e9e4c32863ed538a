import Foundation
import Vapor
import RectifyCore

/// `rectify import-report FILE [--json]`: reads a published rectification report
/// (issue 5 §4) and prints its problems and figures; with --json, one JSON object.
/// It writes nothing: turning the draft into an inspection is the office's review step.
struct ImportReportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "报告文本文件(UTF-8)")
        var file: String
        @Flag(name: "json", help: "输出一个 JSON 对象")
        var json: Bool
        @Option(name: "repeat", help: "(测速用)重复识别 N 次,并在标准错误输出平均耗时")
        var repeatCount: Int?
        init() {}
    }

    var help: String { "识别公开的整改情况报告:反馈问题、整改状态、措施和统计数字" }

    static let maxBytes = 20 * 1024 * 1024

    /// Reads a report file, refusing what is not a text report in one clear sentence.
    static func read(_ path: String) throws -> String {
        let url = URL(fileURLWithPath: path)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            throw StartupError("找不到文件 \(path)。")
        }
        if (attributes[.type] as? FileAttributeType) == .typeDirectory { throw StartupError("\(path) 是目录,请给出报告文本文件。") }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size > 0 else { throw StartupError("文件 \(path) 是空的。") }
        guard size <= maxBytes else { throw StartupError("文件 \(path) 超过 20 MB,不像一篇报告的文本。") }
        let data = try Data(contentsOf: url)
        guard !data.contains(0) else { throw StartupError("文件 \(path) 不是文本文件(可能是 PDF、Word 或图片):请先把报告正文另存为文本。") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw StartupError("文件 \(path) 不是 UTF-8 编码的文本:请用“另存为 UTF-8”后再试。")
        }
        return text
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let text = try Self.read(signature.file)
        if let n = signature.repeatCount, n > 0 {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<n { _ = ReportParser.parse(text) }
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6 / Double(n)
            FileHandle.standardError.write(Data("parse: \(String(format: "%.2f", ms)) ms on average over \(n) runs (\(text.utf8.count) bytes)\n".utf8))
        }
        let result = ReportParser.parse(text)
        guard !result.recognisedNothing else {
            throw StartupError("\(signature.file):" + result.unrecognisedAccount + ";也没有统计数字(如“58项整改任务中”“反馈的47个问题”)。")
        }
        if signature.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            context.console.output(String(decoding: try encoder.encode(result), as: UTF8.self).consoleText())
            return
        }
        let f = result.figures
        let parts: [(String, Int?)] = [("反馈问题", f.problemsTotal), ("整改任务", f.tasksTotal), ("已完成", f.completed),
                                       ("基本完成", f.basicallyCompleted), ("达到序时进度", f.onSchedule), ("未达到序时进度", f.behindSchedule),
                                       ("阶段性完成", f.stageCompleted), ("长期坚持", f.longTerm), ("全面实施", f.fullyImplemented),
                                       ("信访件", f.petitionsTotal), ("已办结", f.petitionsClosed), ("阶段性办结", f.petitionsClosedAtStage),
                                       ("正在办理", f.petitionsInProgress)]
        let stated = parts.compactMap { name, n in n.map { "\(name) \($0)" } }
        context.console.print("统计数字:" + (stated.isEmpty ? "无" : stated.joined(separator: ",")) +
                              (f.petitionClosureRate.map { ",办结率 " + String(format: "%g", $0) + "%" } ?? ""))
        context.console.print("反馈问题 \(result.problems.count) 个" + (result.layout.map { "(编号样式 \(ReportImportView.layoutWords($0)))" } ?? "") + ":")
        for p in result.problems {
            let numeral = ChineseNumeral.string(p.number) ?? String(p.number)
            context.console.print("  \(numeral)、\(p.text.prefix(40))… —— \(p.statusText.isEmpty ? "(未写明进展)" : p.statusText)")
        }
        for u in result.unplaced where !result.problems.isEmpty { context.console.print("  未识别:" + u) }
    }
}
