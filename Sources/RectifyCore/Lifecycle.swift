/// The rectification lifecycle of a task (issue 3 §1): its states, the actions that
/// move it between them, who may take each action and what each requires. The
/// server asks `Lifecycle.decide` before every transition and writes nothing when it
/// refuses. docs/lifecycle.md renders `Lifecycle.transitions` as a table.

/// What a user may do to a task.
public enum TaskAction: String, Labelled {
    case assign, claim, submitCompletion, acceptPass, acceptBasicallyComplete, acceptFail
    case openNotice, upholdObjection, close, lookBackRebound

    public var label: String {
        switch self {
        case .assign: "交办"
        case .claim: "认领"
        case .submitCompletion: "申请验收"
        case .acceptPass: "验收通过"
        case .acceptBasicallyComplete: "验收为基本完成、长期坚持"
        case .acceptFail: "验收不通过"
        case .openNotice: "发起公示"
        case .upholdObjection: "公示异议成立,退回整改"
        case .close: "销号"
        case .lookBackRebound: "回头看发现反弹,重新整改"
        }
    }
}

/// Who stands behind an action.
public enum Party: String, Sendable, Codable, CaseIterable {
    /// The rectification office over the task's region (or an administrator).
    case office
    /// A user of a unit assigned to the task in any role but acceptance.
    case assignedUnit
    /// A user of the task's responsible unit.
    case responsibleUnit
    /// An acceptor of the task's acceptance unit.
    case acceptanceUnit

    public var label: String {
        switch self {
        case .office: "本地区整改办"
        case .assignedUnit: "任务的承办单位(责任、配合、督导单位)"
        case .responsibleUnit: "任务的责任单位"
        case .acceptanceUnit: "任务的验收单位(验收人员)"
        }
    }
}

/// What an action needs before it is taken.
public enum Requirement: String, Sendable, Codable, CaseIterable {
    /// A written opinion or reason.
    case opinion
    /// A narrative of what was done.
    case narrative
    /// Notice start and end dates (end not before start) and the text to publish.
    case noticeTerms
    /// The notice period is over and no objection is standing.
    case noticeEndedWithoutStandingObjection
    /// The task is long-term (长期坚持).
    case longTermTask
    /// Findings of an on-site check.
    case findings
    /// Every sub-task split from the task is closed (销号) (issue 14, `Rollup`).
    case subtasksClosed

    public var label: String {
        switch self {
        case .opinion: "书面意见"
        case .narrative: "整改情况说明"
        case .noticeTerms: "公示起止日期和公示内容"
        case .noticeEndedWithoutStandingObjection: "公示期已满且异议均已答复"
        case .longTermTask: "仅限长期坚持类任务"
        case .findings: "核查发现"
        case .subtasksClosed: "分解的子任务均已销号"
        }
    }
}

public struct Transition: Sendable {
    public let action: TaskAction
    public let from: [TaskState]
    public let to: TaskState
    public let by: Party
    public let requires: [Requirement]
    /// What the server records besides the state change.
    public let records: String
}

/// The facts about a task that a decision depends on.
public struct TaskFacts: Sendable {
    public var state: TaskState
    public var kind: TaskKind
    public var basicallyCompleted: Bool
    /// Sub-tasks split from this task and not yet closed.
    public var openSubtasks: Int
    /// Acceptance steps still to pass, this one included (`AcceptanceChain`); 1 without a chain.
    public var acceptanceStepsLeft: Int
    public init(state: TaskState, kind: TaskKind, basicallyCompleted: Bool = false, openSubtasks: Int = 0,
                acceptanceStepsLeft: Int = 1) {
        self.state = state
        self.kind = kind
        self.basicallyCompleted = basicallyCompleted
        self.openSubtasks = openSubtasks
        self.acceptanceStepsLeft = acceptanceStepsLeft
    }
}

/// Who is acting, as it bears on this task.
public struct ActorFacts: Sendable {
    public var roles: Set<Role>
    /// The office role applies only if the task lies in the user's region subtree.
    public var officeOverTask: Bool
    /// The roles the user's unit holds on this task.
    public var unitRoles: Set<UnitRole>
    /// The user's unit is at the level of the task's current acceptance step (always true without a chain).
    public var atAcceptanceStep: Bool

    public init(roles: Set<Role>, officeOverTask: Bool, unitRoles: Set<UnitRole>, atAcceptanceStep: Bool = true) {
        self.roles = roles
        self.officeOverTask = officeOverTask
        self.unitRoles = unitRoles
        self.atAcceptanceStep = atAcceptanceStep
    }

    public func acts(as party: Party) -> Bool {
        switch party {
        case .office: roles.contains(.admin) || (roles.contains(.office) && officeOverTask)
        case .assignedUnit: roles.contains(.unit) && !unitRoles.subtracting([.acceptance]).isEmpty
        case .responsibleUnit: roles.contains(.unit) && unitRoles.contains(.responsible)
        case .acceptanceUnit: roles.contains(.acceptor) && unitRoles.contains(.acceptance) && atAcceptanceStep
        }
    }
}

/// What the user supplied with the action.
public struct ActionInput: Sendable {
    public var opinion: String?
    public var narrative: String?
    public var noticeStart: LocalDate?
    public var noticeEnd: LocalDate?
    public var noticeText: String?
    public var findings: String?
    public var today: LocalDate
    public var standingObjections: Int
    /// The end of the task's latest public notice, for closure.
    public var noticeEndsOn: LocalDate?

    public init(today: LocalDate, opinion: String? = nil, narrative: String? = nil, noticeStart: LocalDate? = nil,
                noticeEnd: LocalDate? = nil, noticeText: String? = nil, findings: String? = nil,
                standingObjections: Int = 0, noticeEndsOn: LocalDate? = nil) {
        self.today = today
        self.opinion = opinion
        self.narrative = narrative
        self.noticeStart = noticeStart
        self.noticeEnd = noticeEnd
        self.noticeText = noticeText
        self.findings = findings
        self.standingObjections = standingObjections
        self.noticeEndsOn = noticeEndsOn
    }
}

/// A refusal: why, for people and programs, and whether it is about who (forbidden),
/// when (the state does not allow it) or what (input missing).
public struct Refusal: Error, Sendable, Equatable {
    public enum Kind: String, Sendable { case forbidden, wrongState, invalidInput }
    public let kind: Kind
    public let code: String
    public let message: String
}

/// A granted transition.
public struct Decision: Sendable, Equatable {
    public let from: TaskState
    public let to: TaskState
    public let basicallyCompleted: Bool
    /// True when a look-back found the problem back.
    public let rebound: Bool

    public init(from: TaskState, to: TaskState, basicallyCompleted: Bool, rebound: Bool) {
        self.from = from
        self.to = to
        self.basicallyCompleted = basicallyCompleted
        self.rebound = rebound
    }
}

public enum Lifecycle {
    public static let transitions: [Transition] = [
        .init(action: .assign, from: [.draft], to: .assigned, by: .office, requires: [],
              records: "交办时间、交办人"),
        .init(action: .claim, from: [.assigned, .inProgress], to: .inProgress, by: .assignedUnit, requires: [],
              records: "认领单位、认领人、认领时间;责任单位认领后任务进入整改中"),
        .init(action: .submitCompletion, from: [.inProgress], to: .completionSubmitted, by: .responsibleUnit,
              requires: [.subtasksClosed, .narrative], records: "整改情况说明及佐证材料"),
        .init(action: .acceptPass, from: [.completionSubmitted], to: .accepted, by: .acceptanceUnit,
              requires: [.subtasksClosed, .opinion], records: "验收意见(通过)、验收人、日期"),
        .init(action: .acceptBasicallyComplete, from: [.completionSubmitted], to: .accepted, by: .acceptanceUnit,
              requires: [.subtasksClosed, .opinion, .longTermTask], records: "验收意见(基本完成、长期坚持);此后仍纳入回头看"),
        .init(action: .acceptFail, from: [.completionSubmitted], to: .inProgress, by: .acceptanceUnit,
              requires: [.opinion], records: "验收意见(不通过)及原因"),
        .init(action: .openNotice, from: [.accepted], to: .publicNotice, by: .office,
              requires: [.subtasksClosed, .noticeTerms], records: "公示起止日期(默认5个工作日)和公示内容"),
        .init(action: .upholdObjection, from: [.publicNotice], to: .inProgress, by: .office,
              requires: [.opinion], records: "成立的异议及答复;任务退回整改"),
        .init(action: .close, from: [.publicNotice], to: .closed, by: .office,
              requires: [.subtasksClosed, .noticeEndedWithoutStandingObjection], records: "销号时间、销号人"),
        .init(action: .lookBackRebound, from: [.closed, .accepted, .publicNotice], to: .inProgress, by: .office,
              requires: [.findings], records: "回头看发现(反弹)、反弹次数加一;原有记录全部保留"),
    ]

    public static func transition(for action: TaskAction) -> Transition {
        transitions.first { $0.action == action }!
    }

    /// Decides whether `actor` may take `action` on `task` with `input` now.
    public static func decide(_ action: TaskAction, task: TaskFacts, actor: ActorFacts,
                              input: ActionInput) -> Result<Decision, Refusal> {
        let t = transition(for: action)
        guard actor.acts(as: t.by) else {
            return .failure(Refusal(kind: .forbidden, code: "lifecycle.forbidden",
                                    message: "只有\(t.by.label)可以“\(action.label)”"))
        }
        var from = t.from
        // A look-back reopens a closed task, or a basically-complete one still under watch.
        if action == .lookBackRebound, !task.basicallyCompleted { from = [.closed] }
        guard from.contains(task.state) else {
            return .failure(Refusal(kind: .wrongState, code: "lifecycle.wrongState",
                                    message: "任务当前为“\(task.state.label)”,不能“\(action.label)”"))
        }
        for r in t.requires {
            if let refusal = check(r, task: task, input: input) { return .failure(refusal) }
        }
        let intermediate = [.acceptPass, .acceptBasicallyComplete].contains(action) && task.acceptanceStepsLeft > 1
        let basically: Bool = switch action {
        // A lower step's verdict is not the task's: the last level decides.
        case .acceptBasicallyComplete where intermediate: task.basicallyCompleted
        case .acceptBasicallyComplete: true
        case .acceptFail, .upholdObjection, .lookBackRebound: false
        default: task.basicallyCompleted
        }
        var to = (action == .claim && task.state == .inProgress) ? .inProgress : t.to
        // A step of a chain that is not the last passes the task on to the next level's acceptance.
        if [.acceptPass, .acceptBasicallyComplete].contains(action), task.acceptanceStepsLeft > 1 { to = .completionSubmitted }
        return .success(Decision(from: task.state, to: to, basicallyCompleted: basically,
                                 rebound: action == .lookBackRebound))
    }

    static func blank(_ s: String?) -> Bool { (s ?? "").allSatisfy(\.isWhitespace) }

    static func check(_ r: Requirement, task: TaskFacts, input: ActionInput) -> Refusal? {
        func invalid(_ code: String, _ message: String) -> Refusal {
            Refusal(kind: .invalidInput, code: code, message: message)
        }
        switch r {
        case .opinion:
            return blank(input.opinion) ? invalid("lifecycle.opinionRequired", "请填写书面意见") : nil
        case .narrative:
            return blank(input.narrative) ? invalid("lifecycle.narrativeRequired", "请填写整改情况说明") : nil
        case .subtasksClosed:
            return task.openSubtasks > 0
                ? Refusal(kind: .wrongState, code: "lifecycle.subtasksOpen",
                          message: "该任务分解的 \(task.openSubtasks) 项子任务尚未销号,子任务全部销号后才能办理") : nil
        case .findings:
            return blank(input.findings) ? invalid("lifecycle.findingsRequired", "请填写回头看核查发现") : nil
        case .longTermTask:
            return task.kind == .longTerm ? nil
                : invalid("lifecycle.notLongTerm", "只有长期坚持类任务可以验收为“基本完成、长期坚持”")
        case .noticeTerms:
            guard let start = input.noticeStart, let end = input.noticeEnd else {
                return invalid("lifecycle.noticeDatesRequired", "请填写公示起止日期")
            }
            if end < start { return invalid("lifecycle.noticeEndBeforeStart", "公示结束日期不得早于开始日期") }
            return blank(input.noticeText) ? invalid("lifecycle.noticeTextRequired", "请填写公示内容") : nil
        case .noticeEndedWithoutStandingObjection:
            if let end = input.noticeEndsOn, input.today <= end {
                return invalid("lifecycle.noticeNotOver", "公示期至\(end.chinese)结束,期满后才能销号")
            }
            return input.standingObjections > 0
                ? invalid("lifecycle.objectionStanding", "公示期内有 \(input.standingObjections) 件异议尚未答复,不能销号") : nil
        }
    }
}

extension Lifecycle {
    /// The transition table as Markdown, for docs/lifecycle.md (a test keeps them equal).
    public static func markdownTable() -> String {
        var lines = ["| 操作 | 代码 | 从 | 到 | 谁可以 | 需要 | 记录 |", "|---|---|---|---|---|---|---|"]
        for t in transitions {
            var from = t.from.map { "\($0.label)(`\($0.rawValue)`)" }.joined(separator: "、")
            if t.action == .lookBackRebound {
                from = "已销号(`closed`);基本完成的任务在已验收(`accepted`)、公示中(`publicNotice`)时亦可"
            }
            let needs = t.requires.isEmpty ? "—" : t.requires.map(\.label).joined(separator: ";")
            let to = t.action == .claim ? "\(TaskState.inProgress.label)(仅责任单位认领时)" : "\(t.to.label)(`\(t.to.rawValue)`)"
            lines.append("| \(t.action.label) | `\(t.action.rawValue)` | \(from) | \(to) | \(t.by.label) | \(needs) | \(t.records) |")
        }
        return lines.joined(separator: "\n")
    }
}
