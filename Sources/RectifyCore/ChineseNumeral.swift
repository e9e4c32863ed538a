/// Problem numbers are written in Chinese numerals in every feedback report and
/// plan: 一、二、… 三十七、… 一百零一、. These convert both ways for 1…9999.
public enum ChineseNumeral {
    static let digits: [Character] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
    static let units: [(Int, Character)] = [(1000, "千"), (100, "百"), (10, "十")]

    /// 37 → 三十七, 10 → 十, 105 → 一百零五. Nil outside 1…9999.
    public static func string(_ n: Int) -> String? {
        guard (1...9999).contains(n) else { return nil }
        var out = ""
        var rest = n
        var pendingZero = false
        for (value, name) in units {
            let d = rest / value
            rest %= value
            if d > 0 {
                if pendingZero { out.append("零") }
                // 十一 not 一十一 when ten is the leading unit.
                if !(value == 10 && d == 1 && out.isEmpty) { out.append(digits[d]) }
                out.append(name)
                pendingZero = false
            } else if !out.isEmpty {
                pendingZero = true
            }
        }
        if rest > 0 {
            if pendingZero { out.append("零") }
            out.append(digits[rest])
        }
        return out
    }

    /// 三十七 → 37, 十 → 10, 一百零五 → 105; also 两 for 二 and 〇 for 零. Nil if not a numeral.
    public static func value(_ text: String) -> Int? {
        guard !text.isEmpty else { return nil }
        var total = 0
        var current = 0
        var sawAny = false
        for ch in text {
            switch ch {
            case "零", "〇": sawAny = true
            case "千": total += max(current, 1) * 1000; current = 0; sawAny = true
            case "百": total += max(current, 1) * 100; current = 0; sawAny = true
            case "十": total += max(current, 1) * 10; current = 0; sawAny = true
            default:
                let d: Int?
                if ch == "两" { d = 2 } else { d = digits.firstIndex(of: ch) }
                guard let digit = d, digit > 0 else { return nil }
                current = digit
                sawAny = true
            }
        }
        let result = total + current
        return sawAny && result > 0 ? result : nil
    }
}
