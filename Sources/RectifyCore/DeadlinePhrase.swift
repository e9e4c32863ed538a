/// 整改时限 as offices write it (issue 5 §3): 2018年12月底前, 2019年6月30日, 2020年底,
/// 2019-06-30, 2019年上半年, 2019年第三季度, 长期坚持, 立行立改, or several of these in one
/// cell ("2018年底前完成阶段任务,2020年底前全面完成;长期坚持"). The latest date named is
/// the deadline; 长期坚持 makes the task long-term, 立行立改 immediate.
public enum DeadlinePhrase {
    public struct Reading: Sendable, Equatable {
        public var deadline: LocalDate?
        public var kind: TaskKind
        public init(deadline: LocalDate?, kind: TaskKind) {
            self.deadline = deadline
            self.kind = kind
        }
    }

    /// nil when the text names no date and neither 长期坚持 nor 立行立改. `immediateBy`
    /// is the deadline of a 立行立改 task whose cell gives no date (the plan's date).
    public static func read(_ text: String, immediateBy: LocalDate? = nil) -> Reading? {
        let plain = normalise(text)
        guard !plain.isEmpty else { return nil }
        let latest = dates(inNormalised: plain).max()
        if plain.contains("长期坚持") || plain.contains("长期") || plain.contains("持续推进") && latest == nil {
            return Reading(deadline: latest, kind: .longTerm)
        }
        if plain.contains("立行立改") || plain.contains("立即整改") {
            guard let date = latest ?? immediateBy else { return nil }
            return Reading(deadline: date, kind: .immediate)
        }
        return latest.map { Reading(deadline: $0, kind: .timeLimited) }
    }

    /// Every date named in a text, in order.
    public static func dates(in text: String) -> [LocalDate] { dates(inNormalised: normalise(text)) }

    /// Full-width digits and punctuation to ASCII, spaces dropped, 〇 and Chinese-digit years to digits.
    static func normalise(_ text: String) -> [Character] {
        var out: [Character] = []
        for s in text.unicodeScalars {
            switch s.value {
            case 0xFF10...0xFF19: out.append(Character(Unicode.Scalar(s.value - 0xFF10 + 48)!))
            case 0xFF0D: out.append("-")
            case 0xFF0E: out.append(".")
            case 0xFF0F: out.append("/")
            case 0x20, 0x3000, 0x09, 0x0A, 0x0D, 0xA0: continue
            default: out.append(Character(s))
            }
        }
        // 二〇一八年 → 2018年: four Chinese digits before 年.
        let cn: [Character: Character] = ["〇": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4",
                                          "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"]
        var i = 0
        while i + 4 < out.count {
            if out[i + 4] == "年", (0..<4).allSatisfy({ cn[out[i + $0]] != nil }) {
                for k in 0..<4 { out[i + k] = cn[out[i + k]]! }
                i += 5
            } else {
                i += 1
            }
        }
        return out
    }

    static func number(_ c: [Character], at i: inout Int, maxDigits: Int) -> Int? {
        var n = 0, count = 0
        while i < c.count, count < maxDigits, let d = c[i].wholeNumberValue, c[i].isASCII {
            n = n * 10 + d
            i += 1
            count += 1
        }
        return count == 0 ? nil : n
    }

    static func has(_ c: [Character], _ i: Int, _ word: String) -> Bool {
        let w = Array(word)
        guard i + w.count <= c.count else { return false }
        return Array(c[i..<i + w.count]) == w
    }

    static func dates(inNormalised c: [Character]) -> [LocalDate] {
        var found: [LocalDate] = []
        var i = 0
        while i < c.count {
            // A year: four ASCII digits not inside a longer number.
            guard c[i].isASCII, c[i].isWholeNumber, i == 0 || !(c[i - 1].isASCII && c[i - 1].isWholeNumber) else { i += 1; continue }
            var j = i
            guard let year = number(c, at: &j, maxDigits: 4), j - i == 4, (1990...2100).contains(year), j < c.count,
                  !(c[j].isASCII && c[j].isWholeNumber) else {
                i = max(j, i + 1)
                continue
            }
            let sep = c[j]
            guard "年-/.".contains(sep) else { i = j; continue }
            j += 1
            var k = j
            let monthAt = k
            if let month = number(c, at: &k, maxDigits: 2), (1...12).contains(month), k > monthAt,
               sep != "年" || (k < c.count && "月-/.".contains(c[k])) {
                // Year and month; then a day, a part of the month, or the month's end.
                var m = k
                if m < c.count, "月-/.".contains(c[m]) { m += 1 }
                var n = m
                if let day = number(c, at: &n, maxDigits: 2), let date = LocalDate(year: year, month: month, day: day) {
                    found.append(date)
                    if n < c.count, c[n] == "日" || c[n] == "号" { n += 1 }
                    i = n
                    continue
                }
                let end = LocalDate.endOf(month: month, year: year)!
                if has(c, m, "上旬") {
                    found.append(LocalDate(year: year, month: month, day: 10)!)
                } else if has(c, m, "中旬") {
                    found.append(LocalDate(year: year, month: month, day: 20)!)
                } else if sep == "年" || (k < c.count && c[k] == "月") {
                    found.append(end)
                } else {
                    i = k
                    continue
                }
                i = m
                continue
            }
            // Digits after the year that are no month (2019年13月) make no date at all.
            guard sep == "年", k == monthAt else { i = max(k, j); continue }
            // Year only: half, quarter, or the year's end.
            let quarters: [(String, Int)] = [("第一季度", 3), ("一季度", 3), ("第二季度", 6), ("二季度", 6), ("第三季度", 9),
                                             ("三季度", 9), ("第四季度", 12), ("四季度", 12), ("上半年", 6), ("下半年", 12)]
            if let (word, month) = quarters.first(where: { has(c, j, $0.0) }) {
                found.append(LocalDate.endOf(month: month, year: year)!)
                i = j + word.count
            } else {
                found.append(LocalDate(year: year, month: 12, day: 31)!)
                i = j
            }
        }
        return found
    }
}
