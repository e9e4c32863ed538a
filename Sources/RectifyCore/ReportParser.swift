import Foundation

/// Reads the text of a published rectification report (issue 5 §4, issue 16) into its
/// problems and the figures of its summary sentences: the genre, not one layout. Items may
/// start lines or run on inside a paragraph (……。二、关于……), be numbered 一、 (一) 1. 1、 (1) ①
/// 第一项 问题一: or 反馈问题:一、, and carry their status after a label (整改进展情况:…) or in a
/// status sentence of their progress text (目前该问题已完成整改). Web-page noise (crumbs, 打印本页,
/// 发布时间, footers) is dropped wherever it stands; traditional characters are read as
/// simplified, pinyin glosses like 落實(shí) dropped, full-width digits and punctuation read as
/// half-width. Which numbering carries the problems is decided by the text: the numbering
/// whose items, in sequence, carry the most statuses.
public enum ReportParser {
    /// The status of a problem as `rectify import-report --json` names it (see `vocabulary`).
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

    /// Figures stated by the report's summary sentences; nil when the text does not state them.
    /// The status counts belong to the total the same sentence states: problems (个) or tasks (项).
    public struct Figures: Codable, Sendable, Equatable {
        public var problemsTotal: Int?
        public var tasksTotal: Int?
        public var completed: Int?
        public var basicallyCompleted: Int?
        public var onSchedule: Int?
        public var behindSchedule: Int?
        public var fullyImplemented: Int?
        /// 阶段性完成.
        public var stageCompleted: Int?
        /// 长期坚持.
        public var longTerm: Int?
        public var petitionsTotal: Int?
        public var petitionsClosed: Int?
        public var petitionsClosedAtStage: Int?
        /// 正在办理.
        public var petitionsInProgress: Int?
        /// Percent, as written (94 for 办结率94%).
        public var petitionClosureRate: Double?

        public init() {}
    }

    public struct Result: Codable, Sendable, Equatable {
        public let problems: [Problem]
        public let figures: Figures
        /// The numbering the problems were read from (`chinese` 一、, `parenChinese` (一), `arabic` 1. 1、,
        /// `parenArabic` (1), `circled` ①, `ordinal` 第一项, `problemNumber` 问题一:), nil when none carried a status.
        public var layout: String? = nil
        /// Every numbering found in the text with how many items it had and how many of them carried a status.
        public var tried: [String] = []
        /// What could not be placed: numbered items without a status, and, when no problem was found, the
        /// text's first lines (so the office sees what the importer saw).
        public var unplaced: [String] = []

        /// Neither a numbered problem nor a count sentence: not a report this parser reads.
        public var recognisedNothing: Bool { problems.isEmpty && figures == Figures() }

        /// Why no problem was read, for the office: the numberings tried and the text's first lines.
        public var unrecognisedAccount: String {
            let tried = self.tried.isEmpty ? "没有找到任何编号项(一、 (一) 1. 1、 (1) ① 第一项 问题一: 反馈问题:一、)"
                : "找到的编号项都没有整改状态(" + self.tried.joined(separator: ";") + ")"
            let start = unplaced.prefix(3).joined(separator: " / ")
            return "没有识别出带整改进展的反馈问题(如“一、……。整改进展情况:已完成整改。”或“目前该问题已完成整改”):" + tried
                + (start.isEmpty ? "" : "。未能归入问题的文字:" + start)
        }

        public init(problems: [Problem], figures: Figures, layout: String? = nil, tried: [String] = [], unplaced: [String] = []) {
            self.problems = problems
            self.figures = figures
            self.layout = layout
            self.tried = tried
            self.unplaced = unplaced
        }
    }

    // MARK: - Normalisation

    static let gloss = try! NSRegularExpression(
        // One syllable or several, spaced: 污染(wū rǎn), 雨污分流(yǔ wū fēn liú).
        pattern: "([\\u3400-\\u9fff])[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}(?: [a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{1,7}){0,7}[)）]")

    /// Full-width digits, letters and ASCII punctuation as half-width (，→, ：→: （→( …);
    /// the ideographic full stop and 、 stay, as do quotation marks.
    public static func halfWidth(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.compactMap { s -> Unicode.Scalar? in
            switch s.value {
            case 0xFF01...0xFF5E: return Unicode.Scalar(s.value - 0xFEE0) ?? s
            case 0x3000, 0x00A0, 0x2002...0x200A: return " "
            case 0x200B...0x200D, 0xFEFF: return nil
            default: return s
            }
        }))
    }

    /// Simplified characters, no pinyin glosses, half-width digits and punctuation, trimmed lines, no empty lines.
    public static func normalise(_ raw: String) -> [String] {
        var text = raw
        if holds(text, "\r") { text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") }
        text = gloss.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1")
        if looksTraditional(text) {
            text = text.applyingTransform(StringTransform("Traditional-Simplified"), reverse: false) ?? text
        }
        text = halfWidth(text)
        return text.split(separator: "\n").map { trim(String($0), isSpace) }.filter { !$0.isEmpty }
    }

    /// Characters that exist only in traditional script and that any traditional text
    /// of some length contains (們 這 國 會 …, and the domain's 環 護 區 …). ICU's
    /// conversion costs more than the rest of the parse, so it runs only when needed.
    static let traditionalOnly = Set("們這個來時會對說國過還發問關業東經電區實開現長門將與為從學後種進動機體點當戰無應樣麼歲書產幾層廠廣優億據協單衛參雙變響員圖團壓報場壞復夠頭實寫將專導屆幣歸錄懷態總擊據擴擬數斷條極構標樣檢歷殘氣決沒汙灣潔濕熱營環現產畫療監盡礦確禮節範築簡糧紀約紅級細終組絕統經綠網縣總績續羅聯聲職腦萬葉蘇處補見規視親覺計訊記設許評試詳認語誤說請調談論證識護讀變豐貝負貨質購資趕車軍輪轉農運過選還這進遠適遷鄉鐵錄銷鋼長門開間閱隊階際陽雜雞離難電靜須項順預領頭題類風飛養館點")

    static let traditionalOnlyScalars = Set(traditionalOnly.flatMap(\.unicodeScalars))

    static func looksTraditional(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value >= 0x4E00 && traditionalOnlyScalars.contains($0) }
    }

    // MARK: - Web-page noise

    /// Lines that belong to the web page, not the report: dropped wherever they stand.
    static let noisePrefixes = ["当前位置", "您的位置", "您现在所在的位置", "您所在的位置", "扫一扫", "上一条", "下一条", "上一篇", "下一篇",
                                "(责任编辑", "责任编辑", "原标题", "投稿与新闻线索", "特别声明", "凡来源", "网站有害信息", "主办", "承办",
                                "发布时间", "发布日期", "来源:", "信息来源", "文章来源", "搜索历史", "我要投稿", "打印本页", "关闭窗口", "分享到",
                                "【打印】", "【关闭】", "[打印]", "[关闭]", "字号", "【字体", "【字号", "浏览次数", "阅读次数", "点击数", "访问量",
                                "版权所有", "网站标识码", "联系我们", "网站地图", "首页>", "首页 >", "首页»", "返回顶部", "打印", "关闭", "收藏"]

    static let compactNoisePrefixes = noisePrefixes.map { $0.filter { !$0.isWhitespace } }

    static func isNoise(_ line: String) -> Bool {
        // A page's furniture is short; a long line is the report's (a whole run-together report is one line).
        guard line.utf8.count <= 480 else { return false }
        let compact = line.filter { !$0.isWhitespace }
        if compactNoisePrefixes.contains(where: { compact.hasPrefix($0) }) { return true }
        if ["ICP备", "公网安备", "浏览次数", "打印本页", "关闭窗口", "分享到"].contains(where: { holds(line, $0) }) { return true }
        // A byline: 2023-09-28 15:08 来源:… 关键词:…
        if line.count <= 120 && ["来源:", "关键词:", "作者:", "编辑:"].contains(where: { holds(line, $0) })
            && (holds(line, "20") || holds(line, "关键词")) { return true }
        // A crumb trail: 首页 > 信息公开 > 环境保护.
        if [">", "»", "›"].contains(where: { holds(line, $0) }) && holds(line, "首页") && line.count <= 60 { return true }
        return false
    }

    /// Whether `text` holds `word`, compared as written (the text is normalised already):
    /// Foundation's `contains` folds every character first and cost a tenth of the parse.
    static func holds(_ text: String, _ word: String) -> Bool {
        var text = text, word = word
        return text.withUTF8 { t in
            word.withUTF8 { w in
                guard let first = w.first else { return true }
                guard w.count <= t.count else { return false }
                var i = 0
                while i <= t.count - w.count {
                    if t[i] == first {
                        var k = 1
                        while k < w.count && t[i + k] == w[k] { k += 1 }
                        if k == w.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }

    /// Whether `text` begins with `word`, compared as written (the text is normalised already).
    static func begins(_ text: String, _ word: String) -> Bool {
        text.utf8.starts(with: word.utf8)
    }

    /// The stream's text from `range`.
    static func text(_ chars: [Unicode.Scalar], _ range: Range<Int>) -> String {
        String(String.UnicodeScalarView(chars[range]))
    }

    /// `text` without the characters that `drop` holds at either end (Foundation's trimming,
    /// by scalars: it cost a tenth of the parse).
    static func trim(_ text: String, _ drop: (Unicode.Scalar) -> Bool) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !drop($0) }), let last = scalars.lastIndex(where: { !drop($0) }) else { return "" }
        return String(Substring(scalars[first...last]))
    }

    /// Spaces and tabs (Foundation's `.whitespaces`), and with line ends (`.whitespacesAndNewlines`).
    static func isSpace(_ s: Unicode.Scalar) -> Bool { s == "\t" || s.properties.generalCategory == .spaceSeparator }
    static func isBlank(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace }

    /// `text` without the stream's marks (\u{1}).
    static func unmarked(_ text: String) -> String {
        holds(text, "\u{1}") ? String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\u{1}" })) : text
    }

    /// A title: a short line with no punctuation at all, such as the heading of the next
    /// report in a compilation (辽宁省对外公开中央环境保护督察整改情况). Measures end before one.
    static func isTitle(_ line: String) -> Bool {
        (6...60).contains(line.count) && !line.contains { "。,,;;::!?!?、.()()".contains($0) }
    }

    // MARK: - Status vocabulary

    /// Every status phrase and what it means, in one place (issue 16 §5). At any point of a
    /// status sentence the longest phrase wins; the first phrase of the sentence decides,
    /// except 长期坚持, which marks the problem long-term and decides only when alone.
    public static let vocabulary: [(phrase: String, status: Status)] = [
        ("尚未达到序时进度", .behindSchedule), ("未达到序时进度", .behindSchedule), ("未达序时进度", .behindSchedule),
        ("基本完成整改", .basicallyCompleted), ("基本完成", .basicallyCompleted),
        ("已完成整改", .completed), ("整改完成", .completed), ("完成整改", .completed), ("已完成", .completed),
        ("已销号", .completed), ("已整改到位", .completed), ("已整改完毕", .completed), ("已整改", .completed),
        ("阶段性完成", .onSchedule), ("达到序时进度", .onSchedule), ("按照序时进度", .onSchedule), ("按序时进度", .onSchedule),
        ("正在推进整改", .inProgress), ("正在推进", .inProgress), ("正在整改", .inProgress), ("持续推进", .inProgress),
        ("推进中", .inProgress), ("整改中", .inProgress), ("滞后", .behindSchedule),
    ]
    static let longTermPhrase = "长期坚持"

    /// The status of status words: the first phrase, or 长期坚持 alone as on schedule.
    public static func status(of words: String) -> (Status, Bool) {
        let longTerm = words.contains(longTermPhrase)
        if let first = phrases(in: words).first { return (first.status, longTerm) }
        return (longTerm ? .onSchedule : .unknown, longTerm)
    }

    /// The vocabulary's phrases in `text`, in order, longest first at each point; a phrase
    /// about the future (计划于2024年底前完成整改) is not a status.
    static let phraseStarts = Set(vocabulary.compactMap(\.phrase.unicodeScalars.first))

    static func phrases(in text: String) -> [(offset: Int, end: Int, status: Status)] {
        let chars = Array(text.unicodeScalars)
        return phrases(in: chars, 0..<chars.count, firstOnly: false)
    }

    /// The phrases within `range` of `chars` (offsets into `chars`); with `firstOnly`, at most one.
    static func phrases(in chars: [Unicode.Scalar], _ range: Range<Int>, firstOnly: Bool) -> [(offset: Int, end: Int, status: Status)] {
        var found: [(Int, Int, Status)] = []
        var i = range.lowerBound
        while i < range.upperBound {
            // Most characters start no phrase: one set lookup, not two dozen comparisons.
            guard phraseStarts.contains(chars[i]) else { i += 1; continue }
            var matched: (Int, Status)?
            for (phrase, status) in vocabularyChars where phrase.count > (matched?.0 ?? 0) && matches(chars, at: i, below: range.upperBound, phrase) {
                matched = (phrase.count, status)
            }
            if let (length, status) = matched {
                if !isIntent(chars, before: i, from: range.lowerBound) {
                    found.append((i, i + length, status))
                    if firstOnly { return found }
                }
                i += length
            } else {
                i += 1
            }
        }
        return found
    }

    static let vocabularyChars = vocabulary.map { (Array($0.phrase.unicodeScalars), $0.status) }

    static func matches(_ chars: [Unicode.Scalar], at i: Int, below end: Int, _ phrase: [Unicode.Scalar]) -> Bool {
        guard i + phrase.count <= end else { return false }
        var j = i
        for c in phrase {
            guard chars[j] == c else { return false }
            j += 1
        }
        return true
    }

    /// Where `needle` first starts in `chars` at an offset within `starts` (it may run on to `end`).
    static func firstIndex(of needle: [Unicode.Scalar], in chars: [Unicode.Scalar], starts: Range<Int>, end: Int) -> Int? {
        var i = starts.lowerBound
        while i < starts.upperBound {
            if chars[i] == needle[0], matches(chars, at: i, below: end, needle) { return i }
            i += 1
        }
        return nil
    }

    static let intentWords = ["计划", "确保", "力争", "预计", "争取", "要求", "将于", "拟于", "力求"]

    /// 计划…完成整改, 确保年底前完成: what is to happen, unless 已 says it has (目前 and 当前 are now).
    static func isIntent(_ chars: [Unicode.Scalar], before i: Int, from start: Int) -> Bool {
        let window = text(chars, max(start, i - 8)..<i)
        if window.hasSuffix("已") || window.hasSuffix("已经") || window.hasSuffix("均已") { return false }
        if intentWords.contains(where: { window.contains($0) }) { return true }
        let near = text(chars, max(start, i - 4)..<i)
        return near.hasSuffix("前") && !near.hasSuffix("目前") && !near.hasSuffix("当前") && !near.hasSuffix("此前")
    }

    /// Labels before a problem's status or progress text.
    static let labels = ["整改进展情况", "整改落实情况", "整改完成情况", "整改进展", "整改情况", "进展情况", "完成情况", "整改进度", "整改状态",
                         "目前进展", "落实情况"]

    /// Where a status sentence without a label may begin: 目前…, 现已…, 该问题已…; the phrase
    /// follows within a few characters. A clause may also open with the phrase itself (已完成整改。).
    static let statusSubjects = ["截至目前", "目前", "现已", "现在", "截至", "截止", "该问题", "此问题", "上述问题", "该项问题", "该项任务", "该项",
                                 "此项", "该任务", "经整改", "经过整改", "整改后", "通过整改"]

    // MARK: - Items

    enum Style: String, CaseIterable {
        case chinese, parenChinese, arabic, parenArabic, circled, ordinal, problemNumber

        var rank: Int { Style.allCases.firstIndex(of: self) ?? 0 }

        /// The level of the numbering in the documents' usual outline: 一、 (and 第一项, 问题一:) over
        /// (一) over 1. over (1) over ①. An item ends where a higher level begins.
        var level: Int {
            switch self {
            case .chinese, .ordinal, .problemNumber: 0
            case .parenChinese: 1
            case .arabic: 2
            case .parenArabic: 3
            case .circled: 4
            }
        }
    }

    static let numeral = "[一二三四五六七八九十百零〇两]{1,5}"
    static let markerPatterns: [(Style, NSRegularExpression)] = [
        (.problemNumber, try! NSRegularExpression(pattern: "(?:反馈)?问题(\(numeral)|\\d{1,3})[:,]")),
        (.ordinal, try! NSRegularExpression(pattern: "第(\(numeral)|\\d{1,3})(?:项|个问题|条|个)[:,、.]?")),
        (.parenChinese, try! NSRegularExpression(pattern: "\\((\(numeral))\\)")),
        (.parenArabic, try! NSRegularExpression(pattern: "\\((\\d{1,3})\\)")),
        (.circled, try! NSRegularExpression(pattern: "([①-⑳])")),
        (.chinese, try! NSRegularExpression(pattern: "(\(numeral))、")),
        (.arabic, try! NSRegularExpression(pattern: "(\\d{1,3})(?:[.、](?![\\d])|\\s(?=[\\u4e00-\\u9fff]))")),
    ]

    struct Marker {
        let style: Style
        let number: Int
        /// Where the marker starts and where the item's own words start, in the stream's characters.
        let start: Int
        let bodyStart: Int
    }

    /// The markers of every style that stand where an item can start: at a line's start, or
    /// after the end of a sentence (。;!?:), or after 反馈问题:.
    static func markers(in stream: String, chars: [Unicode.Scalar]) -> [Marker] {
        let ns = stream as NSString
        // NSString offsets (UTF-16) to the stream's offsets (scalars).
        var utf16ToChar: [Int] = []
        utf16ToChar.reserveCapacity(ns.length + 1)
        for (i, c) in chars.enumerated() { for _ in 0..<UTF16.width(c) { utf16ToChar.append(i) } }
        utf16ToChar.append(chars.count)
        var out: [Marker] = []
        for (style, regex) in markerPatterns {
            for m in regex.matches(in: stream, range: NSRange(location: 0, length: ns.length)) {
                let r = m.range(at: 1)
                guard r.location != NSNotFound, m.range.location < utf16ToChar.count, NSMaxRange(m.range) < utf16ToChar.count else { continue }
                let numeral = text(chars, utf16ToChar[r.location]..<utf16ToChar[min(NSMaxRange(r), utf16ToChar.count - 1)])
                let number: Int?
                switch style {
                case .circled: number = numeral.unicodeScalars.first.map { Int($0.value) - 0x2460 + 1 }
                default: number = Int(numeral) ?? ChineseNumeral.value(numeral)
                }
                guard let number, (1...999).contains(number) else { continue }
                let start = utf16ToChar[m.range.location]
                guard standsAlone(chars, at: start) else { continue }
                out.append(Marker(style: style, number: number, start: start, bodyStart: utf16ToChar[NSMaxRange(m.range)]))
            }
        }
        return out.sorted { ($0.start, $0.style.rank) < ($1.start, $1.style.rank) }
    }

    /// A marker starts an item only at a line's start or after a sentence's end (or 反馈问题:).
    static func standsAlone(_ chars: [Unicode.Scalar], at start: Int) -> Bool {
        var i = start - 1
        while i >= 0, chars[i] == " " { i -= 1 }
        if i < 0 { return true }
        if chars[i] == ":" || chars[i] == "\u{1}" || endsSentence(chars, i) {
            return true
        }
        let before = text(chars, max(0, i - 4)..<i + 1)
        return before.hasSuffix("反馈问题") || before.hasSuffix("反馈问题:")
    }

    /// The chain of one style's markers that reads as a numbered list (each number more than
    /// the last — one more, or a few more where a report lists only its typical problems — or
    /// 1 again for a new list) and whose items carry the most statuses.
    static func chain(_ markers: [Marker], value: (Int) -> Double) -> (score: Double, picked: [Int]) {
        guard !markers.isEmpty else { return (0, []) }
        var score = [Double](repeating: 0, count: markers.count)
        var back = [Int?](repeating: nil, count: markers.count)
        // For each number, the best chain ending in it so far (numbers are at most 999).
        var bestByNumber = [Int?](repeating: nil, count: 1_001)
        var bestAll: Int?
        for (i, m) in markers.enumerated() {
            let v = value(i)
            var s = v
            var from: Int?
            if let p = bestByNumber[m.number - 1], score[p] + v > s { s = score[p] + v; from = p }
            // A gap (典型问题 5, 8, 11): from any smaller number, at a cost that grows with the gap.
            var k = m.number - 2
            while k >= 1 && k >= m.number - 60 {
                if let p = bestByNumber[k] {
                    let gap = score[p] + v - 0.15 - 0.01 * Double(m.number - k)
                    if gap > s { s = gap; from = p }
                }
                k -= 1
            }
            // A new list (restarting at 1) after any chain, at a small cost.
            if m.number == 1, let p = bestAll, score[p] + v - 0.3 > s { s = score[p] + v - 0.3; from = p }
            score[i] = s
            back[i] = from
            if let p = bestByNumber[m.number], score[p] >= s {} else { bestByNumber[m.number] = i }
            if let p = bestAll, score[p] >= s {} else { bestAll = i }
        }
        guard let end = bestAll else { return (0, []) }
        var picked: [Int] = []
        var at: Int? = end
        while let i = at { picked.append(i); at = back[i] }
        return (score[end], picked.reversed())
    }

    struct Item {
        let marker: Marker
        let end: Int
    }

    /// A problem's parts within its item: its text, status words, measures.
    /// The problem and where its words end in the stream (at its measures' end: a title-like line
    /// or noise closes them, and what follows is the report's again).
    static func problem(_ item: Item, chars: [Unicode.Scalar]) -> (Problem, end: Int)? {
        let body = item.marker.bodyStart..<item.end
        guard let found = findStatus(in: chars, body) else { return nil }
        var text = trim(unmarked(Self.text(chars, body.lowerBound..<found.textEnd)), isBlank)
        // 反馈问题:… before the problem's own words.
        for prefix in ["反馈问题:", "反馈问题"] where text.hasPrefix(prefix) { text = String(text.dropFirst(prefix.count)) }
        text = trim(joinWrapped(text)) { $0 == " " || $0 == "\n" }
        // The measures: to the item's end, or to a title-like line or noise.
        var end = item.end
        if let stop = chars[found.wordsEnd..<item.end].firstIndex(of: "\u{1}") { end = stop }
        let measures = Self.text(chars, found.wordsEnd..<end)
        let words = found.words
        let (status, longTerm) = status(of: words)
        return (Problem(number: item.marker.number, text: text, status: status, longTerm: longTerm, statusText: words,
                        measures: trim(measures, isBlank)), min(max(end, item.marker.start), item.end))
    }

    /// Lines broken inside a sentence (a title over two lines) joined; lines ending a sentence kept apart.
    static func joinWrapped(_ text: String) -> String {
        var out = ""
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            if i > 0 { out += out.unicodeScalars.last.map { "。;:!?".unicodeScalars.contains($0) || $0 == "." } == true ? "\n" : "" }
            out += line
        }
        return out
    }

    /// Where an item's status stands, as offsets into the stream: its text ends at `textEnd`,
    /// its status words end at `wordsEnd` (the measures follow).
    struct FoundStatus {
        let textEnd: Int
        let words: String
        let wordsEnd: Int
    }

    static let sentenceEnds: Set<Unicode.Scalar> = ["。", ";", "\n", "!", "?"]

    /// Whether a sentence ends at `i`: 。;!? or a line's end, or a half-width full stop as some
    /// offices type it (改造. 该问题…), except after a digit (2.6公里, the marker 1.).
    static func endsSentence(_ chars: [Unicode.Scalar], _ i: Int) -> Bool {
        sentenceEnds.contains(chars[i]) || chars[i] == "." && (i == 0 || !("0"..."9").contains(chars[i - 1]))
    }
    static let longTermChars = Array(longTermPhrase.unicodeScalars)

    /// The status of the item whose words are `body` in the stream: after a label (整改进展情况:…)
    /// the first status phrase of the progress text; without one, a status sentence that begins
    /// as status sentences do (目前…, 该问题已…). Read in place: the chain tries every candidate
    /// item of every style, so nothing is copied until a status is found.
    static func findStatus(in chars: [Unicode.Scalar], _ body: Range<Int>) -> FoundStatus? {
        // Labels, in order of position: found from the colons (few) back, not by searching every label.
        let labelHits = labelRanges(in: chars, body)
        for hit in labelHits {
            // The progress text after the label, to the item's end: its first status phrase (or 长期坚持 before it).
            let progress = hit.upperBound..<body.upperBound
            let first = phrases(in: chars, progress, firstOnly: true).first
            let longTerm = firstIndex(of: longTermChars, in: chars, starts: progress.lowerBound..<(first?.offset ?? progress.upperBound),
                                      end: progress.upperBound)
            guard let firstOffset = longTerm ?? first?.offset else { continue }
            // The words: from the label (when the phrase opens the text) or the phrase's sentence, to the sentence's end.
            var start = firstOffset
            while start > progress.lowerBound, !endsSentence(chars, start - 1) && chars[start - 1] != ":" { start -= 1 }
            var end = firstOffset
            while end < progress.upperBound, !endsSentence(chars, end) { end += 1 }
            let words = trim(text(chars, start..<end)) { " 。.\u{1}".unicodeScalars.contains($0) }
            return FoundStatus(textEnd: hit.lowerBound, words: words, wordsEnd: min(end + 1, progress.upperBound))
        }
        // No label: a sentence that begins as a status sentence and holds a phrase.
        var sentenceStart = body.lowerBound
        var holdsPhrase = false
        var i = body.lowerBound
        while i <= body.upperBound {
            if i == body.upperBound || endsSentence(chars, i) {
                // Not the title: the first sentence names the problem.
                if i > sentenceStart, holdsPhrase, sentenceStart > body.lowerBound || !labelHits.isEmpty {
                    let trimmed = trim(text(chars, sentenceStart..<i)) { $0 == " " || $0 == "," || $0 == "\u{1}" }
                    if let clause = statusClause(trimmed) {
                        return FoundStatus(textEnd: sentenceStart, words: clause, wordsEnd: min(i + 1, body.upperBound))
                    }
                }
                sentenceStart = i + 1
                holdsPhrase = false
            } else if !holdsPhrase, phraseStarts.contains(chars[i]) || chars[i] == "长" {
                holdsPhrase = true
            }
            i += 1
        }
        return nil
    }

    /// The status words of a sentence that opens as a status sentence does and holds a phrase
    /// ending its clause: 目前该问题已完成整改 → 已完成整改; 持续推进城区集中供热 → nil.
    static func statusClause(_ sentence: String) -> String? {
        // Clauses: a status sentence may open with a date or an introduction (截至2023年4月底,该问题已完成整改).
        let clauses = sentence.split(separator: ",").map { trim(String($0), isSpace) }
        let introduced = clauses.first.map { c in ["截至", "截止", "目前", "经过", "经", "通过", "现"].contains { begins(c, $0) } } ?? false
        for (n, clause) in clauses.enumerated() {
            let subject = statusSubjects.first { begins(clause, $0) }
            let rest = String(clause.dropFirst(subject?.count ?? 0))
            let restChars = Array(rest.unicodeScalars)
            // After a subject (or a clause of introduction) the phrase comes within a few
            // characters; a bare clause must open with it. Only that much is searched.
            let reach = subject != nil || (n > 0 && introduced) ? 12 : 0
            guard let head = restChars.first, reach > 0 || phraseStarts.contains(head) || head == "长" else { continue }
            let found = phrases(in: restChars, 0..<min(restChars.count, reach + 10), firstOnly: true)
            guard let first = found.first else {
                if subject != nil, rest.hasPrefix(longTermPhrase) || rest.hasPrefix("需" + longTermPhrase) {
                    return clauses[n...].joined(separator: ",")
                }
                continue
            }
            guard first.offset <= reach else { continue }
            if reach == 0, first.offset != 0 { continue }
            let after = first.end < restChars.count ? text(restChars, first.end..<restChars.count) : ""
            if after.isEmpty || ["要求", "并", "。", "推进", "有序推进"].contains(where: { begins(after, $0) }) || after.first.map({ ")".contains($0) }) == true {
                return trim(clauses[n...].joined(separator: ",")) { $0 == " " || $0 == "。" }
            }
        }
        return nil
    }

    // MARK: - The parse

    struct Reading {
        let style: Style
        let items: Int
        let problems: [Problem]
        /// Items of the chain that held no status (for the office to see).
        let unplaced: [Item]
        /// Where the problems stand in the stream: the report's own summary is outside them.
        let spans: [Range<Int>]
    }

    /// How many statuses a stretch states: its labels (整改进展情况:…).
    static func statusCount(_ chars: [Unicode.Scalar], _ range: Range<Int>) -> Int { labelRanges(in: chars, range).count }

    static let labelsLongestFirst = labels.map { Array($0.unicodeScalars) }.sorted { $0.count > $1.count }

    /// Each label with its colon (整改进展情况:) within `range`, by position; the longest label at each colon.
    static func labelRanges(in chars: [Unicode.Scalar], _ range: Range<Int>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var colon = range.lowerBound
        while colon < range.upperBound {
            defer { colon += 1 }
            guard chars[colon] == ":" else { continue }
            // Back over spaces, then the longest label that ends there.
            var end = colon
            while end > range.lowerBound, chars[end - 1] == " " { end -= 1 }
            for label in labelsLongestFirst where end - label.count >= range.lowerBound {
                let start = end - label.count
                if chars[start..<end].elementsEqual(label) { out.append(start..<colon + 1); break }
            }
        }
        return out
    }

    /// The numbering that reads best within `range`: for each style not excluded, its chain;
    /// an item that holds several statuses is a section, read again with the other styles
    /// (a compilation: 三十七、… for one province, (一)反馈问题:… under 一、 for another).
    static func reading(_ all: [Marker], chars: [Unicode.Scalar], within range: Range<Int>, excluding: Set<Style>, depth: Int,
                        tried: inout [String]) -> Reading? {
        var best: Reading?
        for style in Style.allCases where !excluding.contains(style) {
            let ms = all.filter { $0.style == style && range.contains($0.start) && $0.bodyStart <= range.upperBound }
            guard !ms.isEmpty else { continue }
            // Where higher levels of the outline begin: no item of this style runs past one.
            let higher = all.filter { $0.style.level < style.level && range.contains($0.start) }.map(\.start)
            func bound(_ from: Int, _ end: Int) -> Int {
                var low = 0, high = higher.count
                while low < high { let mid = (low + high) / 2; if higher[mid] <= from { low = mid + 1 } else { high = mid } }
                return low < higher.count ? min(end, higher[low]) : end
            }
            // An item's span for scoring: to the next marker of its style (or a higher level's).
            let spans = ms.indices.map { i in (ms[i].bodyStart, bound(ms[i].start, i + 1 < ms.count ? ms[i + 1].start : range.upperBound)) }
            // Each stretch is read once: for the chain's score and, when it is picked, for its problem.
            var read: [Int: [Int: (Problem, end: Int)?]] = [:]
            func readItem(_ item: Item) -> (Problem, end: Int)? {
                if let r = read[item.marker.bodyStart]?[item.end] { return r }
                let r = item.marker.bodyStart < item.end ? problem(item, chars: chars) : nil
                read[item.marker.bodyStart, default: [:]][item.end] = .some(r)
                return r
            }
            let value: (Int) -> Double = { i in readItem(Item(marker: ms[i], end: spans[i].1)) != nil ? 1 : 0.05 }
            let (_, picked) = chain(ms, value: value)
            var items: [Item] = []
            for (k, i) in picked.enumerated() {
                let next = bound(ms[i].start, k + 1 < picked.count ? ms[picked[k + 1]].start : range.upperBound)
                items.append(Item(marker: ms[i], end: max(next, ms[i].bodyStart)))
            }
            var problems: [Problem] = []
            var unplaced: [Item] = []
            var placed: [Range<Int>] = []
            for item in items {
                if depth < 2, statusCount(chars, item.marker.bodyStart..<item.end) >= 2 {
                    var inner: [String] = []
                    if let sub = reading(all, chars: chars, within: item.marker.bodyStart..<item.end, excluding: excluding.union([style]),
                                         depth: depth + 1, tried: &inner), sub.problems.count >= 2 {
                        problems += sub.problems
                        unplaced += sub.unplaced
                        placed += sub.spans
                        continue
                    }
                }
                if let (p, end) = readItem(item) {
                    problems.append(p)
                    placed.append(item.marker.start..<end)
                } else {
                    unplaced.append(item)
                }
            }
            if depth == 0 { tried.append("\(style.rawValue):\(items.count)项,\(problems.count)项有整改状态") }
            let candidate = Reading(style: style, items: items.count, problems: problems, unplaced: unplaced, spans: placed)
            if let b = best {
                if problems.count > b.problems.count || (problems.count == b.problems.count && items.count < b.items) { best = candidate }
            } else if !problems.isEmpty {
                best = candidate
            }
        }
        return best
    }

    public static func parse(_ raw: String) -> Result {
        let lines = normalise(raw)
        // The stream: noise as an empty mark (it ends the measures before it and nothing else);
        // title-like lines marked (\u{1}) so measures end before them.
        var streamLines: [String] = []
        for line in lines {
            streamLines.append(isNoise(line) ? "\u{1}" : isTitle(line) ? "\u{1}" + line : line)
        }
        let stream = streamLines.joined(separator: "\n")
        let chars = Array(stream.unicodeScalars)
        let all = markers(in: stream, chars: chars)
        var tried: [String] = []
        let best = reading(all, chars: chars, within: 0..<chars.count, excluding: [], depth: 0, tried: &tried)
        var unplaced: [String] = []
        if let b = best {
            for item in b.unplaced {
                let words = text(chars, item.marker.bodyStart..<min(item.end, item.marker.bodyStart + 40))
                    .replacingOccurrences(of: "\u{1}", with: "").replacingOccurrences(of: "\n", with: " ")
                unplaced.append("第\(item.marker.number)项(未找到整改状态):\(words)")
            }
        } else {
            unplaced = Array(streamLines.filter { $0 != "\u{1}" }.prefix(12).map { String(unmarked($0).prefix(80)) })
        }
        // The summary figures: from the text outside the problems (a count in a problem's measures
        // is not the report's), else from the whole text (a summary at the very end).
        var outside = ""
        var at = 0
        for span in (best?.spans ?? []).sorted(by: { $0.lowerBound < $1.lowerBound }) where span.lowerBound >= at {
            outside += text(chars, at..<span.lowerBound) + "\n"
            at = span.upperBound
        }
        outside += text(chars, min(at, chars.count)..<chars.count)
        let outsideLines = outside.split(separator: "\n").map { unmarked(String($0)) }.filter { !$0.isEmpty }
        let own = figures(in: outsideLines)
        let whole = own.petitionsTotal != nil && (own.problemsTotal != nil || own.tasksTotal != nil) ? own
            : figures(in: lines.filter { !isNoise($0) })
        var f = own.problemsTotal != nil || own.tasksTotal != nil ? own : whole
        if own.petitionsTotal == nil {
            f.petitionsTotal = whole.petitionsTotal
            f.petitionsClosed = whole.petitionsClosed
            f.petitionsClosedAtStage = whole.petitionsClosedAtStage
            f.petitionsInProgress = whole.petitionsInProgress
            f.petitionClosureRate = whole.petitionClosureRate
        }
        return Result(problems: best?.problems ?? [], figures: f, layout: best?.style.rawValue, tried: tried, unplaced: unplaced)
    }

    // MARK: - Figures

    static func regex(_ p: String) -> NSRegularExpression { try! NSRegularExpression(pattern: p) }


    /// 三个 → 3个: small counts written in Chinese numerals.
    static func arabicCounts(_ s: String) -> String {
        // As the regex ([一二…百两零]{1,4})(个|项|件) matched: in a run of numerals before 个/项/件,
        // its last four. Read by scalars: the regex and its replacements were a tenth of the parse
        // (ReportParserScalarTests holds the two equal).
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            guard countNumerals.contains(scalars[i]) else { out.append(scalars[i]); i += 1; continue }
            var j = i
            while j < scalars.count, countNumerals.contains(scalars[j]) { j += 1 }
            let start = max(i, j - 4)
            // 一项 inside a word (一项一项, 逐一) stays; only counts that read as numbers.
            if j < scalars.count, countUnits.contains(scalars[j]), let v = ChineseNumeral.value(text(scalars, start..<j)) {
                out.append(contentsOf: scalars[i..<start])
                out.append(contentsOf: String(v).unicodeScalars)
            } else {
                out.append(contentsOf: scalars[i..<j])
            }
            i = j
        }
        return String(out)
    }

    static let countNumerals = Set("一二三四五六七八九十百两零".unicodeScalars)
    static let countUnits = Set("个项件".unicodeScalars)

    static func first(_ patterns: [NSRegularExpression], in text: String) -> Int? {
        let range = NSRange(text.startIndex..., in: text)
        let found = patterns.compactMap { p -> (Int, Int)? in
            guard let m = p.firstMatch(in: text, range: range) else { return nil }
            for g in 1..<m.numberOfRanges {
                if let r = Range(m.range(at: g), in: text), let n = Int(text[r]) { return (m.range.location, n) }
            }
            return nil
        }
        return found.min { $0.0 < $1.0 }?.1
    }

    static let problemsTotalPatterns = [regex("反馈[^,。;:]{0,12}?(\\d+)个(?:具体)?问题"), regex("反馈[^,。;:]{0,10}?问题(?:共)?(\\d+)个"),
                                        regex("(\\d+)个(?:反馈|督察反馈)?问题(?:中|,|已|整改|全部)"),
                                        regex("(?:共|涉及)(?:我市|我县|我区|我省)?(\\d+)个(?:反馈)?问题")]
    static let tasksTotalPatterns = [regex("(\\d+)项(?:整改任务|整改事项|任务|问题)中"), regex("应完成整改(\\d+)项"),
                                     regex("涉及(?:我市|我省|我区)?(\\d+)项整改任务"), regex("(\\d+)项整改任务")]

    /// A status count of `unit` (个 or 项): 已完成整改31个, 13项基本完成.
    static func countPatterns(_ phrases: String, unit: String, guardBefore: String = "") -> [NSRegularExpression] {
        [regex("\(guardBefore)(?:\(phrases))(?:整改)?(?:的)?(?:问题|任务)?(?:有)?(\\d+)\(unit)"),
         regex("(\\d+)\(unit)(?:已经|已|均已)?(?:\(phrases))"),
         // Not a total before its count (5个问题已完成整改3个: 3, not 5); 12个已完成整改7个基本完成 keeps its 12.
         regex("(\\d+)\(unit)(?:问题|任务|整改任务)(?:已经|已|均已)?(?:\(phrases))(?!(?:整改)?(?:的)?(?:问题|任务)?(?:有)?\\d)")]
    }

    static let summaryOpeners = ["其中", "目前", "已完成", "现已", "截至", "截止"]

    /// The status counts of a summary, in `unit` (个 or 项); `stated`: how many are given.
    static func counts(in scope: String, unit: String) -> (completed: Int?, basicallyCompleted: Int?, onSchedule: Int?, behindSchedule: Int?,
                                                           stageCompleted: Int?, longTerm: Int?, fullyImplemented: Int?, stated: Int) {
        let c = first(countPatterns(completedPhrases, unit: unit, guardBefore: "(?<!基本)(?<!阶段性)(?<!应)"), in: scope)
        let b = first(countPatterns(basicallyPhrases, unit: unit), in: scope)
        let o = first(countPatterns(onSchedulePhrases, unit: unit), in: scope)
        let h = first(countPatterns(behindPhrases, unit: unit), in: scope)
        let st = first(countPatterns(stagePhrases, unit: unit), in: scope)
        let l = first(countPatterns(longTermPhrases, unit: unit), in: scope)
        let fi = first(countPatterns(fullyPhrases, unit: unit), in: scope)
        return (c, b, o, h, st, l, fi, [c, b, o, h, st, l, fi].filter { $0 != nil }.count)
    }

    static let completedPhrases = "已完成整改|完成整改|整改完成|已完成|已销号|完成"
    static let basicallyPhrases = "基本完成整改|基本完成"
    static let onSchedulePhrases = "达到序时进度(?:要求)?|按照序时进度(?:有序)?(?:推进)?|按序时进度(?:推进)?"
    static let behindPhrases = "尚未达到序时进度|未达到序时进度|未达序时进度|滞后于序时进度|滞后"
    static let stagePhrases = "阶段性完成"
    static let longTermPhrases = "需长期坚持|长期坚持"
    static let fullyPhrases = "全面实施"

    static let petitionTotalPatterns = [regex("(\\d+)件(?:群众)?信访(?:投诉|举报)?(?:案件|件|事项)"),
                                        regex("信访(?:事项|案件)\\d+批(\\d+)件"), regex("信访(?:事项|案件|举报件)(?:共)?(\\d+)件")]
    static let petitionClosedPatterns = [regex("(?<!阶段性)(?<!阶段)(?<!正在)办结(\\d+)件"), regex("(\\d+)件(?:已)?办结")]
    static let petitionStagePatterns = [regex("阶段(?:性)?办结(\\d+)件"), regex("(\\d+)件阶段(?:性)?办结")]
    static let petitionInProgressPatterns = [regex("正在办理(?:中)?(\\d+)件"), regex("(\\d+)件正在办理")]
    static let ratePattern = regex("(?<![时限])办结率(?:为|达到|达)?(\\d+(?:\\.\\d+)?)%")

    static func figures(in lines: [String]) -> Figures {
        let body = arabicCounts(lines.joined(separator: "\n"))
        var f = Figures()
        let scalars = Array(body.unicodeScalars)
        var sentences: [String] = []
        var from = 0
        for i in 0...scalars.count where i == scalars.count || "。;\n".unicodeScalars.contains(scalars[i]) || scalars[i] == "." && endsSentence(scalars, i) {
            if i > from { sentences.append(text(scalars, from..<i)) }
            from = i + 1
        }
        // The status counts are read from the sentence that states the total (and the next,
        // when it carries on with 其中…), so other counts (建成污水处理厂20座 …) are not taken for them.
        // The summary: the first sentence stating a total with counts of its own (or carried on by
        // the next: 其中…), else the first stating a total.
        var summary: Figures?
        for (n, sentence) in sentences.enumerated() {
            // Only sentences with a count word can state a total; the regexes run on those alone.
            let mayProblems = holds(sentence, "个") && holds(sentence, "问题")
            let mayTasks = holds(sentence, "项")
            guard mayProblems || mayTasks else { continue }
            // 信访…共100个问题 counts complaints, not the team's problems.
            let problems = !mayProblems || holds(sentence, "信访") ? nil : first(problemsTotalPatterns, in: sentence)
            let tasks = mayTasks ? first(tasksTotalPatterns, in: sentence) : nil
            guard problems != nil || tasks != nil else { continue }
            // The counts: in the sentence, or carried on in the next (其中…, 截至…), or in one of the two
            // after it that opens so before any other total (反馈的14个问题…制定45项整改任务。…。截至6月底,已完成整改36项…).
            var scope = sentence
            for k in (n + 1)..<min(n + 4, sentences.count) {
                let next = sentences[k]
                guard summaryOpeners.contains(where: { begins(next, $0) }) else {
                    if first(problemsTotalPatterns, in: next) != nil || first(tasksTotalPatterns, in: next) != nil { break }
                    continue
                }
                scope += "," + next
                break
            }
            var g = Figures()
            g.problemsTotal = problems
            g.tasksTotal = tasks
            if problems != nil, let t = tasks, !holds(sentence, "\(t)项") { g.tasksTotal = nil }
            // Counted in 个 (problems) or 项 (tasks): whichever the scope states more counts in.
            let units = (problems != nil ? ["个"] : []) + (tasks != nil || problems != nil ? ["项"] : [])
            let readings = units.map { counts(in: scope, unit: $0) }
            if let best = readings.max(by: { $0.stated < $1.stated }), best.stated > 0 || readings.count == 1 {
                g.completed = best.completed; g.basicallyCompleted = best.basicallyCompleted; g.onSchedule = best.onSchedule
                g.behindSchedule = best.behindSchedule; g.stageCompleted = best.stageCompleted; g.longTerm = best.longTerm
                g.fullyImplemented = best.fullyImplemented
            }
            // 应完成整改61项,实际完成53项: the total's own phrase is no count of completed ones.
            if let c = g.completed, c == g.tasksTotal, holds(sentence, "应完成整改\(c)项") {
                g.completed = first([regex("实际完成(\\d+)项")], in: scope)
            }
            let counted = [g.completed, g.basicallyCompleted, g.onSchedule, g.behindSchedule, g.stageCompleted, g.longTerm, g.fullyImplemented]
                .contains { $0 != nil }
            if counted {
                // 反馈的29个问题…分解为86项整改任务。86项整改任务中已完成…: the problems' total stands before.
                if g.problemsTotal == nil, let s = summary, let p = s.problemsTotal, s.tasksTotal == nil || s.tasksTotal == g.tasksTotal {
                    g.problemsTotal = p
                    if g.tasksTotal == nil { g.tasksTotal = s.tasksTotal }
                }
                summary = g
                break
            }
            if summary == nil { summary = g }
        }
        if let summary { f = summary }
        // The petitions: the first sentence stating their total with counts of its own, else the first stating it.
        var petitions: Figures?
        for sentence in sentences where holds(sentence, "件") && holds(sentence, "信访") {
            guard let total = first(petitionTotalPatterns, in: sentence) else { continue }
            var g = Figures()
            g.petitionsTotal = total
            g.petitionsClosed = first(petitionClosedPatterns, in: sentence)
            g.petitionsClosedAtStage = first(petitionStagePatterns, in: sentence)
            g.petitionsInProgress = first(petitionInProgressPatterns, in: sentence)
            if g.petitionsClosed == nil, holds(sentence, "全部办结") { g.petitionsClosed = total }
            let range = NSRange(sentence.startIndex..., in: sentence)
            if let m = ratePattern.firstMatch(in: sentence, range: range), let r = Range(m.range(at: 1), in: sentence) {
                g.petitionClosureRate = Double(sentence[r])
            }
            let counted = [g.petitionsClosed, g.petitionsClosedAtStage, g.petitionsInProgress].contains { $0 != nil } || g.petitionClosureRate != nil
            if petitions == nil { petitions = g }
            if counted { petitions = g; break }
        }
        if let p = petitions {
            f.petitionsTotal = p.petitionsTotal
            f.petitionsClosed = p.petitionsClosed
            f.petitionsClosedAtStage = p.petitionsClosedAtStage
            f.petitionsInProgress = p.petitionsInProgress
            f.petitionClosureRate = p.petitionClosureRate
        }
        return f
    }
}
