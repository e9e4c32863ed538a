import Vapor
import RectifyCore

/// Where "now" comes from. Injected so tests can stand on any date (issue 3 §4).
struct AppClock: Sendable {
    let now: @Sendable () -> Date

    static let system = AppClock { Date() }

    static func fixed(_ day: LocalDate, hour: Int = 10) -> AppClock {
        // Noon-ish in China Standard Time on that day.
        let seconds = Double(day.dayNumber) * 86_400 + Double(hour - 8) * 3_600
        return AppClock { Date(timeIntervalSince1970: seconds) }
    }

    var today: LocalDate { LocalDate.today(now: now()) }
}

struct AppClockKey: StorageKey {
    typealias Value = AppClock
}

extension Application {
    var clock: AppClock {
        get { storage[AppClockKey.self] ?? .system }
        set { storage[AppClockKey.self] = newValue }
    }
}
