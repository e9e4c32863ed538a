/// 序时进度 and the warning lights (issue 3 §4), in one place.
///
/// For a task that is still open, on a given day:
/// 1. Waiting for acceptance (completion submitted): on schedule, green.
/// 2. Past its deadline: overdue (已逾期), red.
/// 3. A milestone whose date has passed without being reached: behind schedule, red.
/// 4. Reported progress (the latest accepted report's percent, 0 if none) lags the
///    share of the time elapsed between the task's start and its deadline by more than
///    the office's threshold (default 20 points): behind schedule, yellow.
/// 5. Otherwise: on schedule, green.
/// Long-term tasks without a deadline are judged by their milestones only (rules 3, 5).
/// Accepted, noticed and closed tasks have no light.

public enum ScheduleStatus: String, Labelled {
    case onSchedule, behindSchedule, overdue
    public var label: String {
        switch self {
        case .onSchedule: "达到序时进度"
        case .behindSchedule: "未达到序时进度"
        case .overdue: "已逾期"
        }
    }
}

public enum WarningLight: String, Labelled, Comparable {
    case green, yellow, red
    public var label: String {
        switch self {
        case .green: "绿灯"
        case .yellow: "黄灯"
        case .red: "红灯"
        }
    }
    var rank: Int { self == .green ? 0 : self == .yellow ? 1 : 2 }
    public static func < (a: WarningLight, b: WarningLight) -> Bool { a.rank < b.rank }
}

/// Per-office settings of the rules.
public struct ScheduleSettings: Sendable, Codable, Equatable {
    /// Yellow when reported percent lags elapsed time by more than this many points.
    public var yellowLagPoints: Int
    /// A task unclaimed this many days after assignment is flagged to the office.
    public var unclaimedDays: Int
    /// A task red for this many days is offered for a supervision order.
    public var redDaysBeforeOrder: Int

    public init(yellowLagPoints: Int = 20, unclaimedDays: Int = 7, redDaysBeforeOrder: Int = 14) {
        self.yellowLagPoints = yellowLagPoints
        self.unclaimedDays = unclaimedDays
        self.redDaysBeforeOrder = redDaysBeforeOrder
    }
}

public struct MilestoneFact: Sendable, Equatable {
    public var date: LocalDate
    public var description: String
    public var reached: Bool
    public init(date: LocalDate, description: String, reached: Bool) {
        self.date = date
        self.description = description
        self.reached = reached
    }
}

public struct ScheduleFacts: Sendable {
    public var state: TaskState
    public var kind: TaskKind
    /// When the clock started: the plan's approval, else the feedback date, else creation.
    public var start: LocalDate
    /// The current deadline (after any approved extension).
    public var deadline: LocalDate?
    public var milestones: [MilestoneFact]
    /// Percent complete in the latest accepted progress report.
    public var reportedPercent: Int?

    public init(state: TaskState, kind: TaskKind, start: LocalDate, deadline: LocalDate?,
                milestones: [MilestoneFact] = [], reportedPercent: Int? = nil) {
        self.state = state
        self.kind = kind
        self.start = start
        self.deadline = deadline
        self.milestones = milestones
        self.reportedPercent = reportedPercent
    }
}

public struct ScheduleAssessment: Sendable, Equatable {
    public let status: ScheduleStatus
    public let light: WarningLight
    /// Why, in a sentence for the ledger.
    public let reason: String
}

public enum Schedule {
    public static func assess(_ f: ScheduleFacts, today: LocalDate,
                              settings: ScheduleSettings = .init()) -> ScheduleAssessment? {
        switch f.state {
        case .accepted, .publicNotice, .closed:
            return nil
        case .completionSubmitted:
            return .init(status: .onSchedule, light: .green, reason: "已申请验收,等待验收")
        case .draft, .assigned, .inProgress:
            break
        }
        if let deadline = f.deadline, today > deadline {
            return .init(status: .overdue, light: .red, reason: "已超过整改时限(\(deadline.chinese))")
        }
        if let missed = f.milestones.filter({ !$0.reached && $0.date < today }).min(by: { $0.date < $1.date }) {
            return .init(status: .behindSchedule, light: .red,
                         reason: "阶段目标“\(missed.description)”(\(missed.date.chinese))未按期完成")
        }
        if let deadline = f.deadline, deadline > f.start {
            let elapsed = Double(today - f.start) / Double(deadline - f.start)
            let expected = Int((min(max(elapsed, 0), 1) * 100).rounded())
            let reported = f.reportedPercent ?? 0
            if reported < expected - settings.yellowLagPoints {
                return .init(status: .behindSchedule, light: .yellow,
                             reason: "已用时 \(expected)%,报告进度 \(reported)%")
            }
        }
        return .init(status: .onSchedule, light: .green, reason: "按序时进度推进")
    }
}

/// The words public reports use for a task (seed 004: 已完成整改 / 基本完成整改,长期坚持
/// / 达到序时进度 / 未达到序时进度).
public struct PublicStatusWords: Sendable, Equatable {
    public let status: PublicStatus
    public let longTerm: Bool

    public init(status: PublicStatus, longTerm: Bool) {
        self.status = status
        self.longTerm = longTerm
    }

    public var text: String {
        switch (status, longTerm) {
        case (.completed, _): "已完成整改"
        case (.basicallyCompleted, true): "基本完成整改,长期坚持"
        case (.onSchedule, true): "达到序时进度,长期坚持"
        default: status.label
        }
    }

    /// The one mapping from a task to its public words.
    public static func of(state: TaskState, kind: TaskKind, basicallyCompleted: Bool,
                          assessment: ScheduleAssessment?) -> PublicStatusWords {
        let longTerm = kind == .longTerm
        switch state {
        case .accepted, .publicNotice, .closed:
            return .init(status: basicallyCompleted ? .basicallyCompleted : .completed, longTerm: longTerm)
        default:
            let onSchedule = (assessment?.status ?? .onSchedule) == .onSchedule
            return .init(status: onSchedule ? .onSchedule : .behindSchedule, longTerm: longTerm)
        }
    }
}
