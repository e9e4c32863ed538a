import Foundation

/// Reads the text of a published rectification report (issue 5 §4) into its
/// problems and the figures of its count sentences. Copes with real noise: page
/// navigation and footers, traditional characters (converted to simplified), pinyin
/// glosses like 落實(shí), numbering as 三十七、 or (一) or 1., and status lines such as
/// 整改进展情况:达到序时进度,持续整改。
public enum ReportParser {
    /// The status of a problem as `rectify import-report --json` names it.
    public enum Status: String, Codable, Sendable {
        case completed, basicallyCompleted, onSchedule, behindSchedule, inProgress, unknown
    }

    public struct Problem: Codable, Sendable, Equatable {
        public let number: Int
        public let text: String
        public let status: Status
        public let longTerm: Bool
        /// The status words as written (after normalisation to simplified characters).
        public let statusText: String
        public let measures: String
    }

    /// Figures stated by the report's count sentences; nil when the text does not state them.
    public struct Figures: Codable, Sendable, Equatable {
        public var tasksTotal: Int?
        public var completed: Int?
        public var basicallyCompleted: Int?
        public var onSchedule: Int?
        public var behindSchedule: Int?
        public var fullyImplemented: Int?
        public var petitionsTotal: Int?
        public var petitionsClosed: Int?
        public var petitionsClosedAtStage: Int?
        /// Percent, as written (94 for 办结率94%).
        public var petitionClosureRate: Double?

        public init() {}
    }

    public struct Result: Codable, Sendable, Equatable {
        public let problems: [Problem]
        public let figures: Figures

        /// Neither a numbered problem nor a count sentence: not a report this parser reads.
        public var recognisedNothing: Bool { problems.isEmpty && figures == Figures() }
    }

    // MARK: - Normalisation

    static let gloss = try! NSRegularExpression(
        pattern: "([\\u3400-\\u9fff])[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}[)）]")

    /// Simplified characters, no pinyin glosses, trimmed lines, no empty lines.
    public static func normalise(_ raw: String) -> [String] {
        var text = raw.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        text = gloss.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1")
        if looksTraditional(text) {
            text = text.applyingTransform(StringTransform("Traditional-Simplified"), reverse: false) ?? text
        }
        return text.split(separator: "\n").map {
            $0.trimmingCharacters(in: CharacterSet.whitespaces.union(CharacterSet(charactersIn: "\u{3000}\u{00A0}")))
        }.filter { !$0.isEmpty }
    }

    /// Characters that exist only in traditional script and that any traditional text
    /// of some length contains (們 這 國 會 …, and the domain's 環 護 區 …). ICU's
    /// conversion costs more than the rest of the parse, so it runs only when needed.
    static let traditionalOnly = Set("們這個來時會對說國過還發問關業東經電區實開現長門將與為從學後種進動機體點當戰無應樣麼歲書產幾層廠廣優億據協單衛參雙變響員圖團壓報場壞復夠頭實寫將專導屆幣歸錄懷態總擊據擴擬數斷條極構標樣檢歷殘氣決沒汙灣潔濕熱營環現產畫療監盡礦確禮節範築簡糧紀約紅級細終組絕統經綠網縣總績續羅聯聲職腦萬葉蘇處補見規視親覺計訊記設許評試詳認語誤說請調談論證識護讀變豐貝負貨質購資趕車軍輪轉農運過選還這進遠適遷鄉鐵錄銷鋼長門開間閱隊階際陽雜雞離難電靜須項順預領頭題類風飛養館點")

    static func looksTraditional(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value >= 0x4E00 && traditionalOnly.contains(Character($0)) }
    }

    /// Lines that belong to the web page, not the report; a report's body ends at them.
    static let boilerplatePrefixes = ["当前位置", "您的位置", "您现在所在的位置", "扫一扫", "上一条", "下一条", "(责任编辑",
                                      "（责任编辑", "原标题", "投稿与新闻线索", "特别声明", "凡来源", "网站有害信息", "主办",
                                      "发布时间", "来源:", "来源：", "搜索历史", "我要投稿"]

    static func isBoilerplate(_ line: String) -> Bool {
        boilerplatePrefixes.contains { line.hasPrefix($0) } || line.contains("ICP备") || line.contains("公网安备")
    }

    /// A title: a short line with no punctuation at all, such as the heading of the next
    /// report in a compilation (辽宁省对外公开中央环境保护督察整改情况). Measures are sentences.
    static func isTitle(_ line: String) -> Bool {
        (6...60).contains(line.count) && !line.contains { "。,,;;::!?!?、.()()".contains($0) }
    }

    // MARK: - Problems

    enum Style: Int { case chinese = 0, parenthesised = 1, arabic = 2 }

    struct Heading {
        let line: Int
        let style: Style
        let number: Int
        let rest: String
    }

    static let headingPatterns: [(Style, NSRegularExpression)] = [
        (.chinese, try! NSRegularExpression(pattern: "^([一二三四五六七八九十百零〇两]{1,5})、(.*)$")),
        (.parenthesised, try! NSRegularExpression(pattern: "^[(（]([一二三四五六七八九十百零〇两]{1,5})[)）](.*)$")),
        (.arabic, try! NSRegularExpression(pattern: "^(\\d{1,3})[.、．](?![\\d])(.*)$")),
    ]

    static func heading(_ line: String, at index: Int) -> Heading? {
        let range = NSRange(line.startIndex..., in: line)
        for (style, regex) in headingPatterns {
            guard let m = regex.firstMatch(in: line, range: range),
                  let numberRange = Range(m.range(at: 1), in: line), let restRange = Range(m.range(at: 2), in: line) else { continue }
            let numeral = String(line[numberRange])
            guard let number = style == .arabic ? Int(numeral) : ChineseNumeral.value(numeral) else { continue }
            return Heading(line: index, style: style, number: number, rest: String(line[restRange]))
        }
        return nil
    }

    static let statusPrefixes = ["整改进展情况", "整改进展", "整改情况", "进展情况", "完成情况"]

    /// The status words of a status line, or nil if the line is not one.
    static func statusWords(_ line: String) -> String? {
        for prefix in statusPrefixes where line.hasPrefix(prefix) {
            var rest = line.dropFirst(prefix.count)
            guard let first = rest.first, first == ":" || first == "：" else { continue }
            rest = rest.dropFirst()
            return rest.trimmingCharacters(in: CharacterSet(charactersIn: " 。."))
        }
        return nil
    }

    public static func status(of words: String) -> (Status, Bool) {
        let longTerm = words.contains("长期坚持")
        let status: Status
        if words.hasPrefix("基本完成") { status = .basicallyCompleted }
        else if words.hasPrefix("已完成") || words.hasPrefix("完成整改") || words.hasPrefix("已整改") { status = .completed }
        else if words.hasPrefix("未达到序时进度") || words.hasPrefix("尚未达到序时进度") || words.hasPrefix("滞后") { status = .behindSchedule }
        else if words.hasPrefix("达到序时进度") || words.hasPrefix("按序时进度") || words.hasPrefix("按照序时进度") { status = .onSchedule }
        else if words.hasPrefix("正在") || words.hasPrefix("持续推进") || words.hasPrefix("整改中") || words.hasPrefix("推进中") { status = .inProgress }
        else if longTerm { status = .onSchedule }
        else { status = .unknown }
        return (status, longTerm)
    }

    static func problems(in lines: [String]) -> [Problem] {
        let headings = lines.indices.compactMap { heading(lines[$0], at: $0) }
        let headingLines = Set(headings.map(\.line))
        // In line order, so each block finds its first stop by binary search: a scan per
        // heading made a 5 MB draft of title-like lines quadratic (minutes of CPU).
        let stops = lines.indices.filter { isBoilerplate(lines[$0]) || (isTitle(lines[$0]) && !headingLines.contains($0)) }
        var result: [Problem] = []
        for (i, h) in headings.enumerated() {
            // The block runs to the next heading of the same or a higher level, or a page footer.
            var end = lines.count
            for next in headings[(i + 1)...] where next.style.rawValue <= h.style.rawValue {
                end = next.line
                break
            }
            if let stop = firstStop(after: h.line, in: stops), stop < end { end = stop }
            // A status line before any lower-level heading makes the block a problem.
            // Only the headings inside the block: scanning all later ones was quadratic.
            let firstSub = headings[(i + 1)...].prefix { $0.line < end }.first { $0.style.rawValue > h.style.rawValue }?.line ?? end
            let statusLine = (h.line + 1 ..< firstSub).first { statusWords(lines[$0]) != nil }
            var rest = h.rest
            let isFeedback = rest.hasPrefix("反馈问题")
            if isFeedback { rest = String(rest.drop(while: { $0 != ":" && $0 != "：" }).dropFirst()) }
            guard statusLine != nil || isFeedback else { continue }
            let textEnd = statusLine ?? firstSub
            let text = ([rest] + lines[(h.line + 1) ..< textEnd]).filter { !$0.isEmpty }.joined(separator: "\n")
            let words = statusLine.flatMap { statusWords(lines[$0]) } ?? ""
            let measures = statusLine.map { lines[($0 + 1) ..< end].joined(separator: "\n") } ?? ""
            let (status, longTerm) = status(of: words)
            result.append(Problem(number: h.number, text: text, status: status, longTerm: longTerm,
                                  statusText: words, measures: measures))
        }
        return result
    }

    /// The first of the sorted `stops` after `line`.
    static func firstStop(after line: Int, in stops: [Int]) -> Int? {
        var low = 0, high = stops.count
        while low < high {
            let mid = (low + high) / 2
            if stops[mid] <= line { low = mid + 1 } else { high = mid }
        }
        return low < stops.count ? stops[low] : nil
    }

    // MARK: - Figures

    static func regex(_ p: String) -> NSRegularExpression { try! NSRegularExpression(pattern: p) }

    static let tasksTotalPatterns = [regex("(\\d+)项(?:整改任务|整改事项|任务)中"), regex("应完成整改(\\d+)项"),
                                     regex("涉及(?:我市|我省|我区)?(\\d+)项整改任务")]
    static let completedPatterns = [regex("(?<!基本)(?<!应)完成(\\d+)项"), regex("(?<!基本)(?<!应)完成整改(\\d+)项"), regex("(\\d+)项(?:已)?完成整改"), regex("实际完成(\\d+)项")]
    static let basicallyPatterns = [regex("(\\d+)项基本完成")]
    static let onSchedulePatterns = [regex("(\\d+)项(?:按照|按)序时进度"), regex("(\\d+)项达到序时进度")]
    static let behindPatterns = [regex("(\\d+)项(?:尚)?未达到序时进度")]
    static let fullyPatterns = [regex("(\\d+)项全面实施")]
    static let petitionTotalPatterns = [regex("(\\d+)件(?:群众)?信访(?:投诉|举报)?(?:案件|件|事项)"),
                                        regex("信访(?:事项|案件)\\d+批(\\d+)件"), regex("信访(?:事项|案件)(\\d+)件")]
    static let petitionClosedPatterns = [regex("(?<!阶段性)办结(\\d+)件")]
    static let petitionStagePatterns = [regex("阶段性办结(\\d+)件")]
    static let ratePattern = regex("(?<![时限])办结率(?:为|达到|达)?(\\d+(?:\\.\\d+)?)%")

    static func first(_ patterns: [NSRegularExpression], in text: String) -> Int? {
        let range = NSRange(text.startIndex..., in: text)
        let found = patterns.compactMap { p -> (Int, Int)? in
            guard let m = p.firstMatch(in: text, range: range), let r = Range(m.range(at: 1), in: text),
                  let n = Int(text[r]) else { return nil }
            return (m.range.location, n)
        }
        return found.min { $0.0 < $1.0 }?.1
    }

    static func figures(in lines: [String]) -> Figures {
        let body = lines.filter { !isBoilerplate($0) }.joined(separator: "\n")
        var f = Figures()
        // The task figures are read from the sentence that states the total, so other
        // counts in the text (建成污水处理厂20座 …) are not taken for them.
        let sentences = body.split(whereSeparator: { "。;;\n".contains($0) }).map(String.init)
        // Only sentences with a count word can state a figure; the regexes run on those alone.
        if let sentence = sentences.first(where: { $0.contains("项") && first(tasksTotalPatterns, in: $0) != nil }) {
            f.tasksTotal = first(tasksTotalPatterns, in: sentence)
            f.completed = first(completedPatterns, in: sentence)
            f.basicallyCompleted = first(basicallyPatterns, in: sentence)
            f.onSchedule = first(onSchedulePatterns, in: sentence)
            f.behindSchedule = first(behindPatterns, in: sentence)
            f.fullyImplemented = first(fullyPatterns, in: sentence)
        }
        if let sentence = sentences.first(where: { $0.contains("件") && first(petitionTotalPatterns, in: $0) != nil }) {
            f.petitionsTotal = first(petitionTotalPatterns, in: sentence)
            f.petitionsClosed = first(petitionClosedPatterns, in: sentence)
            f.petitionsClosedAtStage = first(petitionStagePatterns, in: sentence)
            if f.petitionsClosed == nil, sentence.contains("全部办结") { f.petitionsClosed = f.petitionsTotal }
            let range = NSRange(sentence.startIndex..., in: sentence)
            if let m = ratePattern.firstMatch(in: sentence, range: range), let r = Range(m.range(at: 1), in: sentence) {
                f.petitionClosureRate = Double(sentence[r])
            }
        }
        return f
    }

    public static func parse(_ raw: String) -> Result {
        let lines = normalise(raw)
        return Result(problems: problems(in: lines), figures: figures(in: lines))
    }
}
