import Foundation
import PropertyBased
import Testing
import RectifyCore

/// Issue 16: what the importer recognises does not depend on how the report is laid out.
/// Reports are generated from a seed (problems, statuses, numbering, labels or status
/// sentences, a summary), then re-flowed, re-punctuated, converted to traditional
/// characters or strewn with web-page noise; the problems (number, words, status) and the
/// summary figures must come out the same every time.
@Suite struct ReportLayoutPropertyTests {
    /// SplitMix64: the same seed, the same report.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
        mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
        mutating func pick<T>(_ a: [T]) -> T { a[int(a.count)] }
    }

    static let titles = ["城区黑臭水体整治不到位", "垃圾填埋场渗滤液直排河道", "自然保护区核心区违规建设旅游设施", "露天矿山生态修复滞缓",
                         "工业园区污水处理厂超标排放", "散乱污企业整治反弹", "港口码头扬尘污染突出", "秸秆露天焚烧屡禁不止",
                         "饮用水水源保护区内存在违法建筑", "医疗废物处置能力不足", "畜禽养殖污染防治不力", "河道非法采砂问题突出",
                         "建筑垃圾随意倾倒", "燃煤锅炉淘汰进度缓慢", "湿地被侵占用于养殖"]
    static let statuses: [(words: String, status: ReportParser.Status, longTerm: Bool)] = [
        ("已完成整改", .completed, false), ("整改完成", .completed, false), ("已销号", .completed, false),
        ("基本完成整改,长期坚持", .basicallyCompleted, true), ("达到序时进度", .onSchedule, false), ("阶段性完成", .onSchedule, false),
        ("未达到序时进度", .behindSchedule, false), ("未达序时进度", .behindSchedule, false), ("正在推进整改", .inProgress, false),
        ("持续推进", .inProgress, false), ("长期坚持", .onSchedule, true),
    ]
    static let chineseNumbers = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    static let prefixes: [@Sendable (Int) -> String] = [
        { "\(chineseNumbers[$0 - 1])、" }, { "(\(chineseNumbers[$0 - 1]))" }, { "\($0)." }, { "\($0)、" }, { "(\($0))" },
        { String(UnicodeScalar(0x2460 + $0 - 1).map(Character.init) ?? "①") }, { "第\(chineseNumbers[$0 - 1])项:" },
        { "问题\(chineseNumbers[$0 - 1]):" }, { "反馈问题:\(chineseNumbers[$0 - 1])、" },
    ]
    static let noise = ["首页 > 信息公开 > 督察整改", "打印本页 关闭窗口", "发布时间:2023-05-12 浏览次数:1234", "分享到:", "【打印】【关闭】",
                        "主办单位:某市生态环境局 辽ICP备12345678号"]

    struct Report {
        var items: [String]
        var summary: String
        var expected: [(number: Int, title: String, status: ReportParser.Status, longTerm: Bool)]
        var total: Int
        var completed: Int
    }

    static func report(_ rng: inout Rng) -> Report {
        let n = 2 + rng.int(9)
        let prefix = rng.pick(prefixes)
        let labelled = rng.chance(60)
        var items: [String] = []
        var expected: [(Int, String, ReportParser.Status, Bool)] = []
        var completed = 0
        var used = Set<String>()
        for k in 1...n {
            var title = rng.pick(titles)
            while used.contains(title) { title = titles[(titles.firstIndex(of: title)! + 1) % titles.count] }
            used.insert(title)
            let s = rng.pick(statuses)
            if s.status == .completed { completed += 1 }
            let status = labelled ? "整改进展情况:\(s.words)。" : "目前,该问题\(s.words)。"
            let split = title.count > 8 && rng.chance(30) ? "\n" : ""
            let head = String(title.prefix(6)) + split + String(title.dropFirst(6))
            items.append(prefix(k) + "关于" + head + "的问题。" + (rng.chance(50) ? "\n" : "") + status + "主要措施:完成截污纳管十二公里,建立长效机制。")
            expected.append((k, title, s.status, s.longTerm))
        }
        return Report(items: items, summary: "反馈的\(n)个问题中,已完成整改\(completed)个。", expected: expected, total: n, completed: completed)
    }

    static func render(_ r: Report, _ rng: inout Rng, noise withNoise: Bool, runTogether: Bool) -> String {
        var out = "某县贯彻落实省生态环境保护督察反馈意见整改情况\n" + r.summary + "\n"
        for item in r.items {
            if withNoise && rng.chance(50) { out += "\n" + rng.pick(noise) + "\n" }
            out += item + (runTogether ? "" : "\n")
        }
        if withNoise { out += "\n" + rng.pick(noise) }
        return out
    }

    /// Line breaks between sentences come and go, spaces appear after punctuation.
    static func reflow(_ text: String, _ rng: inout Rng) -> String {
        var out = ""
        for ch in text {
            if ch == "\n" { out += rng.pick(["", "\n", "\n\n", " \n  ", "\n "]); continue }
            out.append(ch)
            if "。,:".contains(ch) && rng.chance(20) { out += " " }
        }
        return out
    }

    /// Digits and punctuation swapped between half and full width at random.
    static func rewidth(_ text: String, _ rng: inout Rng) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { s in
            switch s.value {
            case 0x30...0x39, 0x2C, 0x3A, 0x3B, 0x28, 0x29, 0x2E: return rng.chance(50) ? (Unicode.Scalar(s.value + 0xFEE0) ?? s) : s
            case 0xFF10...0xFF19, 0xFF0C, 0xFF1A, 0xFF1B, 0xFF08, 0xFF09: return rng.chance(50) ? (Unicode.Scalar(s.value - 0xFEE0) ?? s) : s
            default: return s
            }
        }))
    }

    static func traditional(_ s: String) -> String { s.applyingTransform(StringTransform("Simplified-Traditional"), reverse: false) ?? s }
    static func simplified(_ s: String) -> String { s.applyingTransform(StringTransform("Traditional-Simplified"), reverse: false) ?? s }

    /// What was recognised, in a form a layout cannot change.
    static func recognised(_ r: ReportParser.Result, _ expected: Report, converted: Bool) -> Bool {
        guard r.problems.count == expected.expected.count else { return false }
        for (p, e) in zip(r.problems, expected.expected) {
            let title = converted ? simplified(traditional(e.title)) : e.title
            guard p.number == e.number, p.status == e.status, p.longTerm == e.longTerm,
                  p.text.filter({ !$0.isWhitespace }).contains(title) else { return false }
        }
        return r.figures.problemsTotal == expected.total && r.figures.completed == expected.completed
    }

    @Test func givenAnyLayout_whenReflowedRepunctuatedConvertedOrStrewnWithNoise_thenTheSameProblemsAndFiguresAreRead() async {
        await propertyCheck(count: 150, input: Gen.int(in: 0...Int.max)) { seed in
            var rng = Rng(state: UInt64(seed))
            let r = Self.report(&rng)
            let runTogether = rng.chance(40)
            let plain = Self.render(r, &rng, noise: false, runTogether: runTogether)
            let base = ReportParser.parse(plain)
            #expect(Self.recognised(base, r, converted: false), "\(plain)\n→ \(base.problems.map { ($0.number, $0.status, $0.text) }) \(base.figures)")
            let variants: [(String, String, Bool)] = [
                ("reflowed", Self.reflow(plain, &rng), false),
                ("rewidthed", Self.rewidth(plain, &rng), false),
                ("traditional", Self.traditional(plain), true),
                ("noise", Self.render(r, &rng, noise: true, runTogether: runTogether), false),
                ("all", Self.traditional(Self.rewidth(Self.reflow(plain, &rng), &rng)), true),
                // Noise lines stay lines: re-flowing would run them into the report's sentences.
                ("noise+width+traditional", Self.traditional(Self.rewidth(Self.render(r, &rng, noise: true, runTogether: runTogether), &rng)), true),
            ]
            for (name, text, converted) in variants {
                let got = ReportParser.parse(text)
                #expect(Self.recognised(got, r, converted: converted),
                        "\(name):\n\(text)\n→ \(got.problems.map { ($0.number, $0.status, $0.text) }) \(got.figures)")
            }
        }
    }
}
