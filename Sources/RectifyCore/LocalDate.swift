import Foundation

/// A calendar day with no time zone: deadlines, stays and feedback dates are days
/// in China's calendar, not instants. Stored and sent as `YYYY-MM-DD`, which sorts
/// as text on every database.
public struct LocalDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Returns nil for a day that does not exist (2023-02-29, month 13 …).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...LocalDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The years a date read from input may fall in. Rectification runs in this century;
    /// a date outside is a typing mistake (9999-12-31), and refusing it keeps every day
    /// arithmetic on input (notice periods, extensions) far from the calendar's ends.
    public static let inputYears = 1900...2199

    /// Parses `YYYY-MM-DD` exactly, within `inputYears`.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              LocalDate.inputYears.contains(y) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var iso: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// As offices write it: 2018年12月31日.
    public var chinese: String { "\(year)年\(month)月\(day)日" }

    public var description: String { iso }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The last day of a month, for deadlines written 2018年12月底前.
    public static func endOf(month: Int, year: Int) -> LocalDate? {
        guard (1...12).contains(month) else { return nil }
        return LocalDate(year: year, month: month, day: daysIn(month: month, year: year))
    }

    /// Today in China Standard Time (UTC+8), whatever the server's zone.
    /// China has kept UTC+8 all year since 1991, so the day is plain arithmetic (no
    /// Calendar per call: this runs on every request).
    public static func today(now: Date = Date()) -> LocalDate {
        let seconds = now.timeIntervalSince1970 + 8 * 3600
        guard seconds.isFinite, abs(seconds) < 1e14 else { return epoch }
        let day = Int((seconds / 86_400).rounded(.down))
        return LocalDate(dayNumber: day) ?? epoch
    }

    /// 1970-01-01, day number 0.
    public static let epoch = LocalDate(checkedYear: 1970, month: 1, day: 1)

    /// For days computed from a valid day number, which always exist.
    private init(checkedYear year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "日期格式应为 YYYY-MM-DD,年份在 \(LocalDate.inputYears.lowerBound)–\(LocalDate.inputYears.upperBound) 之间:\(text.prefix(40))"))
        }
        self = date
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(iso)
    }
}

extension LocalDate {
    /// Days since 1970-01-01 (negative before), for date arithmetic without time zones.
    public var dayNumber: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Day numbers of 0001-01-01 and 9999-12-31, the calendar's ends.
    public static let dayNumbers = -719_162...2_932_896

    /// The day `z0` days after 1970-01-01; nil outside the years 1 to 9999.
    public init?(dayNumber z0: Int) {
        guard LocalDate.dayNumbers.contains(z0) else { return nil }
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(checkedYear: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    /// Day arithmetic stays inside the calendar: past either end it stops at that end.
    /// Input dates are within `inputYears` and offsets within a few years, so the ends
    /// are never reached in practice; stopping there keeps a stray offset from trapping.
    public func adding(days: Int) -> LocalDate {
        let (sum, overflow) = dayNumber.addingReportingOverflow(days)
        let bounded = overflow ? (days < 0 ? LocalDate.dayNumbers.lowerBound : LocalDate.dayNumbers.upperBound)
            : min(max(sum, LocalDate.dayNumbers.lowerBound), LocalDate.dayNumbers.upperBound)
        return LocalDate(dayNumber: bounded) ?? self
    }

    public static func - (a: LocalDate, b: LocalDate) -> Int { a.dayNumber - b.dayNumber }

    /// 1 = Monday … 7 = Sunday.
    public var weekday: Int { ((dayNumber % 7) + 7 + 3) % 7 + 1 }

    /// The day on which a period of `n` working days starting on this day ends
    /// (Monday to Friday; public holidays are not known to Rectify and count as working days).
    public func endOfWorkingDays(_ n: Int) -> LocalDate {
        var day = self
        while day.weekday > 5, day.dayNumber < LocalDate.dayNumbers.upperBound { day = day.adding(days: 1) }
        var counted = 1
        while counted < n, day.dayNumber < LocalDate.dayNumbers.upperBound {
            day = day.adding(days: 1)
            if day.weekday <= 5 { counted += 1 }
        }
        return day
    }
}
