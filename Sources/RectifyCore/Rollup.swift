/// How a task split to lower levels (分解 / 子任务, issue 14) takes its figures from its
/// sub-tasks. The one rule, also in docs/lifecycle.md:
///
/// - **Light**: the worst of the task's own light and its open sub-tasks' lights (red over
///   yellow over green). A sub-task already accepted adds no light.
/// - **Public status**: while the task itself is open, 未达到序时进度 when it is behind by its
///   own schedule or any sub-task is behind; otherwise 达到序时进度. Once the task itself is
///   accepted its own words stand (已完成整改 / 基本完成整改), and it can only be accepted when
///   every sub-task is closed (below), so the words never claim more than the levels below did.
/// - **Percentage**: the mean of the sub-tasks' percentages, a sub-task accepted or beyond
///   counting 100, one with no accepted report counting 0; rounded down, so never ahead.
/// - **Guards**: a task with a sub-task not yet closed (销号) cannot be submitted for
///   acceptance, accepted, noticed or closed (`Requirement.subtasksClosed`).
/// - **Rebound**: a look-back that reopens a sub-task reopens every finished task above it.
public struct SubtaskFacts: Sendable, Equatable {
    public var state: TaskState
    public var light: WarningLight?
    public var status: PublicStatus?
    /// The sub-task's own percentage (its rolled percentage if it is split further).
    public var percent: Int?

    public init(state: TaskState, light: WarningLight?, status: PublicStatus?, percent: Int?) {
        self.state = state
        self.light = light
        self.status = status
        self.percent = percent
    }

    var isDone: Bool { [.accepted, .publicNotice, .closed].contains(state) }
}

public struct Rollup: Sendable, Equatable {
    /// Sub-tasks in all.
    public let total: Int
    /// Not yet closed (销号): these block the parent's acceptance and closure.
    public let open: Int
    /// Accepted or beyond.
    public let done: Int
    /// 0...100, never ahead of the sub-tasks.
    public let percent: Int
    /// The worst light of the open sub-tasks, nil if none has one.
    public let light: WarningLight?
    /// Some open sub-task is behind schedule.
    public let behind: Bool

    public static func of(_ children: [SubtaskFacts]) -> Rollup {
        var sum = 0, open = 0, done = 0, behind = false
        var light: WarningLight?
        for c in children {
            // Percentages come from reports (bounded 0...100) or from this rule; clamp anyway.
            sum += c.isDone ? 100 : min(max(c.percent ?? 0, 0), 100)
            if c.state != .closed { open += 1 }
            if c.isDone {
                done += 1
            } else {
                if let l = c.light { light = max(light ?? l, l) }
                if c.status == .behindSchedule { behind = true }
            }
        }
        return Rollup(total: children.count, open: open, done: done,
                      percent: children.isEmpty ? 0 : sum / children.count, light: light, behind: behind)
    }

    /// The parent's light and words from its own (`ownLight`, `own`) and this roll-up.
    public func combine(state: TaskState, ownLight: WarningLight?, own: PublicStatusWords) -> (WarningLight?, PublicStatusWords) {
        guard total > 0, ![.accepted, .publicNotice, .closed].contains(state) else { return (ownLight, own) }
        let worst: WarningLight? = switch (ownLight, light) {
        case (nil, let l), (let l, nil): l
        case (let a?, let b?): max(a, b)
        }
        let status: PublicStatus = (own.status == .behindSchedule || behind) ? .behindSchedule : own.status
        return (worst, PublicStatusWords(status: status, longTerm: own.longTerm))
    }

    public init(total: Int, open: Int, done: Int, percent: Int, light: WarningLight?, behind: Bool) {
        self.total = total
        self.open = open
        self.done = done
        self.percent = percent
        self.light = light
        self.behind = behind
    }
}
