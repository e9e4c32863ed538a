import Foundation

/// 目标指标 (issue 15 §2): what a plan promises to move — PM2.5, 优良天数比率, 国考断面
/// 优良比例 — with a baseline, a target and values reported month by month.

public enum IndicatorArea: String, Codable, CaseIterable, Sendable {
    case air, water, soil, ecology, energy, other

    public var label: String {
        switch self {
        case .air: "大气"
        case .water: "水"
        case .soil: "土壤"
        case .ecology: "生态"
        case .energy: "能源"
        case .other: "其他"
        }
    }
}

public enum IndicatorDirection: String, Codable, CaseIterable, Sendable {
    case higher, lower

    public var label: String { self == .higher ? "越高越好" : "越低越好" }

    /// How far `value` falls short of `expected`: zero or less is on the path or better.
    public func shortfall(_ value: Double, expected: Double) -> Double {
        self == .higher ? expected - value : value - expected
    }
}

/// One indicator of the catalogue. `range` is what a value can possibly be (a ratio
/// between 0 and 100): a value outside it is refused as written in the wrong unit.
public struct IndicatorSpec: Sendable, Equatable {
    public let code: String
    public let name: String
    public let unit: String
    public let direction: IndicatorDirection
    public let area: IndicatorArea
    public let decimals: Int
    public let range: ClosedRange<Double>

    public init(code: String, name: String, unit: String, direction: IndicatorDirection, area: IndicatorArea, decimals: Int,
                range: ClosedRange<Double>) {
        self.code = code
        self.name = name
        self.unit = unit
        self.direction = direction
        self.area = area
        self.decimals = min(max(decimals, 0), 4)
        self.range = range
    }

    /// The largest magnitude any indicator value may have, so sums and differences stay finite.
    public static let limit = 1.0e12

    /// A range from two stored bounds whatever they are (NaN, infinite, reversed): never traps.
    public static func range(_ a: Double, _ b: Double) -> ClosedRange<Double> {
        func clean(_ x: Double, _ fallback: Double) -> Double { x.isFinite ? min(max(x, -limit), limit) : fallback }
        let lo = clean(a, -limit), hi = clean(b, limit)
        return min(lo, hi)...max(lo, hi)
    }
}

public enum IndicatorCatalog {
    private static let percent = 0.0...100.0
    private static let concentration = 0.0...2_000.0

    /// The national indicators of the 14th five-year plans for air, water, soil, ecology
    /// and energy, preloaded in every office's catalogue.
    public static let national: [IndicatorSpec] = [
        .init(code: "pm25", name: "PM2.5年均浓度", unit: "微克/立方米", direction: .lower, area: .air, decimals: 1, range: concentration),
        .init(code: "pm10", name: "PM10年均浓度", unit: "微克/立方米", direction: .lower, area: .air, decimals: 1, range: concentration),
        .init(code: "goodDays", name: "优良天数比率", unit: "%", direction: .higher, area: .air, decimals: 1, range: percent),
        .init(code: "heavyDays", name: "重污染天数", unit: "天", direction: .lower, area: .air, decimals: 0, range: 0...366),
        .init(code: "ozone", name: "臭氧浓度(日最大8小时第90百分位)", unit: "微克/立方米", direction: .lower, area: .air, decimals: 0,
              range: concentration),
        .init(code: "waterGood", name: "地表水国考断面优良比例", unit: "%", direction: .higher, area: .water, decimals: 1, range: percent),
        .init(code: "waterWorst", name: "地表水劣V类断面比例", unit: "%", direction: .lower, area: .water, decimals: 1, range: percent),
        .init(code: "blackOdorous", name: "城市黑臭水体消除比例", unit: "%", direction: .higher, area: .water, decimals: 1, range: percent),
        .init(code: "drinkingWater", name: "集中式饮用水水源地水质达标率", unit: "%", direction: .higher, area: .water, decimals: 1,
              range: percent),
        .init(code: "nearshore", name: "近岸海域水质优良比例", unit: "%", direction: .higher, area: .water, decimals: 1, range: percent),
        .init(code: "farmland", name: "受污染耕地安全利用率", unit: "%", direction: .higher, area: .soil, decimals: 1, range: percent),
        .init(code: "contaminatedLand", name: "重点建设用地安全利用率", unit: "%", direction: .higher, area: .soil, decimals: 1, range: percent),
        .init(code: "forest", name: "森林覆盖率", unit: "%", direction: .higher, area: .ecology, decimals: 2, range: percent),
        .init(code: "grassland", name: "草原综合植被盖度", unit: "%", direction: .higher, area: .ecology, decimals: 1, range: percent),
        .init(code: "energyIntensity", name: "单位GDP能耗下降", unit: "%", direction: .higher, area: .energy, decimals: 1, range: -100...100),
        .init(code: "carbonIntensity", name: "单位GDP二氧化碳排放下降", unit: "%", direction: .higher, area: .energy, decimals: 1,
              range: -100...100),
        .init(code: "coal", name: "煤炭消费总量", unit: "万吨", direction: .lower, area: .energy, decimals: 0, range: 0...1_000_000),
    ]
}

/// A reporting period: a year, and a month for values reported 1–N月 (累计, year to
/// date, as offices report them); month 0 is the value for the whole year.
public struct IndicatorPeriod: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public static let years = 1990...2100

    public init?(year: Int, month: Int) {
        guard Self.years.contains(year), (0...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// Sorts a year's months, then the year itself (the whole year comes after December).
    var order: Int { year * 16 + (month == 0 ? 13 : month) }

    public static func < (a: Self, b: Self) -> Bool { a.order < b.order }

    /// 2025年, 2025年1月, 2025年1—10月.
    public var chinese: String {
        switch month {
        case 0: "\(year)年"
        case 1: "\(year)年1月"
        default: "\(year)年1—\(month)月"
        }
    }

    /// 2025 or 2025-03: how the API and the sheets write it.
    public var description: String { month == 0 ? String(year) : "\(year)-\(month < 10 ? "0" : "")\(month)" }

    /// The same period a year before, for 同比.
    public var yearBefore: IndicatorPeriod? { IndicatorPeriod(year: year - 1, month: month) }

    /// Reads 2025, 2025-03, 2025-3, 2025年, 2025年3月, 2025年1-3月, 2025年1—3月, 2025.03 (full-width digits too).
    public static func parse(_ raw: String) -> IndicatorPeriod? {
        let text = IndicatorNumber.halfWidth(raw).filter { !$0.isWhitespace }
        guard !text.isEmpty, text.count <= 20 else { return nil }
        var digits: [Int] = []
        var current = ""
        for ch in text {
            if ch.isASCII, ch.isNumber { current.append(ch) } else {
                if !current.isEmpty { digits.append(Int(current) ?? -1); current = "" }
                guard "年月-—–~至./".contains(ch) else { return nil }
            }
        }
        if !current.isEmpty { digits.append(Int(current) ?? -1) }
        switch digits.count {
        case 1: return IndicatorPeriod(year: digits[0], month: 0)
        case 2: return IndicatorPeriod(year: digits[0], month: digits[1])
        case 3 where digits[1] == 1: return IndicatorPeriod(year: digits[0], month: digits[2])
        default: return nil
        }
    }
}

/// Numbers as offices type them: full-width digits, a full-width point, a trailing unit.
public enum IndicatorNumber {
    /// The report parser's width folding (digits, letters, punctuation, spaces), and the
    /// ideographic full stop and minus sign as a number's point and sign.
    public static func halfWidth(_ text: String) -> String {
        String(String.UnicodeScalarView(ReportParser.halfWidth(text).unicodeScalars.map { s -> Unicode.Scalar in
            switch s.value {
            case 0x3002: "."
            case 0x2212: "-"
            default: s
            }
        }))
    }

    /// Units written the other ways offices write them.
    static let unitSpellings: [String: String] = [
        "μg/m3": "微克/立方米", "μg/m³": "微克/立方米", "ug/m3": "微克/立方米", "ug/m³": "微克/立方米", "µg/m3": "微克/立方米",
        "µg/m³": "微克/立方米", "微克每立方米": "微克/立方米", "百分比": "%", "个百分点": "%",
    ]

    public static func canonicalUnit(_ raw: String) -> String {
        let u = halfWidth(raw).filter { !$0.isWhitespace }
        return unitSpellings[u.lowercased()] ?? unitSpellings[u] ?? u
    }

    /// A value for `spec`: a finite number inside the indicator's range, in its unit (a unit
    /// written after the number or in `unit` must be the indicator's).
    public static func value(_ raw: String, unit rawUnit: String = "", for spec: IndicatorSpec) -> Result<Double, Violation> {
        let text = halfWidth(raw).trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: ",", with: "")
        guard !text.isEmpty else { return .failure(.init("indicator.valueMissing", field: "value", "请填写数值")) }
        guard text.count <= 40 else { return .failure(.init("indicator.valueNotNumber", field: "value", "数值应是数字")) }
        var end = text.startIndex
        for i in text.indices {
            let ch = text[i]
            if ch.isASCII && (ch.isNumber || ch == "." || ((ch == "-" || ch == "+") && i == text.startIndex)) { end = text.index(after: i) } else { break }
        }
        let number = String(text[..<end])
        let suffix = canonicalUnit(String(text[end...]))
        guard let v = Double(number), v.isFinite, abs(v) <= IndicatorSpec.limit, number.contains(where: \.isNumber) else {
            return .failure(.init("indicator.valueNotNumber", field: "value", "“\(raw.prefix(40))”不是数字"))
        }
        if !suffix.isEmpty, suffix != spec.unit {
            return .failure(.init("indicator.wrongUnit", field: "unit", "\(spec.name)的单位是“\(spec.unit)”,不是“\(suffix.prefix(20))”"))
        }
        return check(v, unit: rawUnit, for: spec)
    }

    /// `v` to the indicator's decimals, as it prints: stored, compared and ranked that way,
    /// so two values that print the same are the same.
    public static func rounded(_ v: Double, _ decimals: Int) -> Double {
        guard v.isFinite, abs(v) < 1e15 else { return v }
        let scale = [1.0, 10, 100, 1_000, 10_000][min(max(decimals, 0), 4)]
        return (v * scale).rounded() / scale
    }

    /// A number already read (a JSON number): finite, in the indicator's unit and range;
    /// answered rounded to the indicator's decimals.
    public static func check(_ raw: Double, unit rawUnit: String = "", for spec: IndicatorSpec) -> Result<Double, Violation> {
        let v = rounded(raw, spec.decimals)
        let written = canonicalUnit(rawUnit)
        if !written.isEmpty, written != spec.unit {
            return .failure(.init("indicator.wrongUnit", field: "unit", "\(spec.name)的单位是“\(spec.unit)”,不是“\(rawUnit.prefix(20))”"))
        }
        guard v.isFinite, spec.range.contains(v) else {
            return .failure(.init("indicator.valueOutOfRange", field: "value",
                                  "\(spec.name)应在 \(format(spec.range.lowerBound, 0))–\(format(spec.range.upperBound, 0)) \(spec.unit) 之间,\(format(v, spec.decimals))是否写错了单位"))
        }
        return .success(v)
    }

    /// Fixed decimals, no grouping: 31.2, 84.1, 12.
    public static func format(_ v: Double, _ decimals: Int) -> String {
        guard v.isFinite else { return "—" }
        let d = min(max(decimals, 0), 4)
        let scale = [1, 10, 100, 1_000, 10_000][d]
        let n = (v * Double(scale)).rounded()
        // Without Foundation's format parser (a page prints thousands of values); beyond
        // what an Int holds, the number as Swift writes it.
        guard abs(n) < 1e15 else { return String(v) }
        let i = Int(n), a = i.magnitude
        let whole = "\(i < 0 ? "-" : "")\(a / UInt(scale))"
        guard d > 0 else { return whole }
        let frac = String(a % UInt(scale))
        return whole + "." + String(repeating: "0", count: d - frac.count) + frac
    }
}

/// Baseline, target and the optional yearly path an office sets for one region.
public struct IndicatorPath: Sendable, Equatable {
    public let baselineYear: Int
    public let baselineValue: Double
    public let targetYear: Int
    public let targetValue: Double
    /// Explicit year targets (年度目标) where the plan sets them; other years lie on the
    /// straight line from the baseline to the target.
    public let yearly: [Int: Double]
    /// How far short of the path, as a share of the path's value in percent, still shows yellow.
    public let tolerancePercent: Double

    public static let defaultTolerancePercent = 5.0

    public init(baselineYear: Int, baselineValue: Double, targetYear: Int, targetValue: Double, yearly: [Int: Double] = [:],
                tolerancePercent: Double = IndicatorPath.defaultTolerancePercent) {
        self.baselineYear = baselineYear
        self.baselineValue = baselineValue
        self.targetYear = targetYear
        self.targetValue = targetValue
        self.yearly = yearly
        self.tolerancePercent = tolerancePercent
    }

    /// What is wrong with it: years out of order, a tolerance outside 0–50%, path years
    /// outside baseline–target, values outside the indicator's range.
    public func violations(for spec: IndicatorSpec) -> [Violation] {
        var v: [Violation] = []
        if !IndicatorPeriod.years.contains(baselineYear) || !IndicatorPeriod.years.contains(targetYear) || targetYear <= baselineYear {
            v.append(.init("indicator.yearsInvalid", field: "targetYear", "目标年份应晚于基准年份(1990–2100)"))
        }
        for (field, value) in [("baselineValue", baselineValue), ("targetValue", targetValue)] + yearly.map({ ("path", $0.value) })
        where !value.isFinite || !spec.range.contains(value) {
            v.append(.init("indicator.valueOutOfRange", field: field,
                           "\(spec.name)应在 \(IndicatorNumber.format(spec.range.lowerBound, 0))–\(IndicatorNumber.format(spec.range.upperBound, 0)) \(spec.unit) 之间"))
        }
        if yearly.keys.contains(where: { $0 <= baselineYear || $0 > targetYear }) {
            v.append(.init("indicator.pathYearOutside", field: "path", "年度目标的年份应在基准年份之后、目标年份之内"))
        }
        if !tolerancePercent.isFinite || !(0...50).contains(tolerancePercent) {
            v.append(.init("indicator.toleranceInvalid", field: "tolerancePercent", "容差应在 0–50% 之间"))
        }
        return Array(Set(v)).sorted { $0.code < $1.code }
    }

    /// The path's value for a year: the baseline up to the baseline year, the target from
    /// the target year on, an explicit year target, or the straight line between the
    /// nearest known years.
    public func expected(in year: Int) -> Double {
        if year <= baselineYear { return baselineValue }
        if year >= targetYear { return targetValue }
        if let v = yearly[year] { return v }
        var points = yearly.filter { $0.key > baselineYear && $0.key < targetYear }
        points[baselineYear] = baselineValue
        points[targetYear] = targetValue
        let before = points.keys.filter { $0 < year }.max() ?? baselineYear
        let after = points.keys.filter { $0 > year }.min() ?? targetYear
        let a = points[before] ?? baselineValue, b = points[after] ?? targetValue
        return a + (b - a) * Double(year - before) / Double(after - before)
    }
}

/// The light of one value (issue 15 §2), the one rule every page, export and report uses:
/// - green: the value is on the year's path value or better (方向: higher or lower is better),
///   both as printed (at the indicator's decimals);
/// - yellow: short of it by no more than the tolerance (5% of the path value unless the
///   office sets another; never less than one step of the indicator's last decimal);
/// - red: further short.
/// A monthly value is the year to date and is held to its year's path value.
public enum IndicatorLight: String, Codable, CaseIterable, Sendable {
    case green, yellow, red

    public var label: String {
        switch self {
        case .green: "符合目标路径"
        case .yellow: "略低于目标路径"
        case .red: "偏离目标路径"
        }
    }

    public static func of(_ value: Double, year: Int, path: IndicatorPath, spec: IndicatorSpec) -> IndicatorLight {
        // Compared as printed: the value and the path value at the indicator's decimals, so a
        // value printed equal to the path is on it, and the sentence never says 78.6 falls short of 78.6.
        let d = spec.decimals
        let expected = IndicatorNumber.rounded(path.expected(in: year), d)
        let shortfall = spec.direction.shortfall(IndicatorNumber.rounded(value, d), expected: expected)
        let step = pow(10, -Double(d))
        // Rounded values differ by whole steps; half a step absorbs the binary fractions.
        if shortfall < step / 2 { return .green }
        let tolerance = max(abs(expected) * path.tolerancePercent / 100, step)
        return shortfall <= tolerance + step * 1e-6 ? .yellow : .red
    }
}

/// 同比: the change against the same period a year before.
public struct YearOnYear: Sendable, Equatable {
    public let current: Double
    public let previous: Double

    public init(current: Double, previous: Double) {
        self.current = current
        self.previous = previous
    }

    /// 同比下降5.1% / 同比上升2.0% / 同比持平; ratios in % change by 个百分点.
    public func words(spec: IndicatorSpec) -> String {
        let diff = current - previous
        if spec.unit == "%" {
            let text = IndicatorNumber.format(abs(diff), spec.decimals)
            if Double(text) == 0 { return "同比持平" }
            return (diff > 0 ? "同比提高" : "同比下降") + text + "个百分点"
        }
        guard previous != 0 else { return diff == 0 ? "同比持平" : (diff > 0 ? "同比上升" : "同比下降") + IndicatorNumber.format(abs(diff), spec.decimals) + spec.unit }
        let text = IndicatorNumber.format(abs(diff / previous * 100), 1)
        if Double(text) == 0 { return "同比持平" }
        return (diff > 0 ? "同比上升" : "同比下降") + text + "%"
    }
}

/// The indicator sentence of the official report: 2025年1—10月,PM2.5年均浓度为31.2微克/立方米,
/// 同比下降5.1%,已达到年度目标(33微克/立方米).
public enum IndicatorSentence {
    public static func of(spec: IndicatorSpec, regionName: String, period: IndicatorPeriod, value: Double, previous: Double?,
                          path: IndicatorPath) -> String {
        let yearTarget = path.expected(in: period.year)
        let unit = spec.unit == "%" ? "%" : spec.unit
        var s = "\(period.chinese),\(regionName)\(spec.name)为\(IndicatorNumber.format(value, spec.decimals))\(unit)"
        if let previous { s += "," + YearOnYear(current: value, previous: previous).words(spec: spec) }
        let target = "\(IndicatorNumber.format(yearTarget, spec.decimals))\(unit)"
        switch IndicatorLight.of(value, year: period.year, path: path, spec: spec) {
        case .green: s += period.month == 0 || period.month == 12 ? ",已完成年度目标(\(target))" : ",达到年度目标(\(target))进度要求"
        case .yellow: s += ",略低于年度目标(\(target))"
        case .red: s += ",未达到年度目标(\(target))"
        }
        return s
    }
}

/// So a single check can answer `Result<Value, Violation>`; callers turn it into a `ValidationFailure`.
extension Violation: Error {}
