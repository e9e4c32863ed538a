import Fluent
import SQLKit
import Foundation
import RectifyCore
import Vapor

/// The one way in for every lifecycle write (STYLE.md §5): each method is one
/// transaction that checks who may act on which record, asks the domain whether the
/// action is allowed now, writes the change and its records, refreshes the task's
/// light, bumps its version and appends the audit event — or does nothing.
struct LifecycleService {
    let db: any Database
    let access: Access
    let clock: AppClock

    var today: LocalDate { clock.today }

    /// The same service working inside the caller's transaction.
    func on(_ tx: any Database) -> LifecycleService { LifecycleService(db: tx, access: access, clock: clock) }

    /// What a client may send with a transition.
    struct Payload: Content {
        var opinion: String?
        var narrative: String?
        var noticeStart: LocalDate?
        var noticeEnd: LocalDate?
        var noticeText: String?
        var findings: String?
        var people: String?
        /// The version the client last saw; a mismatch is a conflict.
        var version: Int?
    }

    // MARK: - Shared steps

    /// Loads the task inside the transaction; 404 if this user may not read it; 409 if
    /// the client's version is stale.
    func load(_ taskID: Int, on tx: any Database, expectedVersion: Int?) async throws -> TaskView {
        if let sql = tx as? any SQLDatabase, sql.dialect.name == "postgresql" {
            // Writers of one task queue here, so none acts on a version another has just replaced.
            // (SQLite takes one writer at a time; a writer that read too early fails and is retried.)
            try await sql.raw("SELECT id FROM tasks WHERE id = \(bind: taskID) FOR UPDATE").run()
            // And the tasks above it, nearest first, before any audit event takes its lock: a change
            // here rolls up into them (`SubtaskRollup.lockAncestors`).
            try await SubtaskRollup.lockAncestors(of: taskID, on: tx)
        }
        guard let view = try await TaskView.load(taskID, on: tx), access.canRead(view) else { throw AppError.notFound }
        if let expected = expectedVersion, expected != view.task.version {
            throw try await Conflict.error(for: view.task, on: tx)
        }
        return view
    }

    /// Saves the task with a new version and appends the audit event.
    func commit(_ task: TaskRecord, before: TaskSnapshot, action: AuditAction, on tx: any Database) async throws {
        if task.$parentTask.id != nil { try await SubtaskRollup.lockAncestors(of: try task.requireID(), on: tx) }
        try await TaskAssessment.refresh(task, on: tx, today: today)
        task.version += 1
        task.$updatedBy.id = access.userID
        try await task.save(on: tx)
        try await Audit.record(on: tx, actor: access.auditActor, action: action, recordType: "task",
                               recordID: try task.requireID(), taskID: task.id, before: before,
                               after: TaskSnapshot(task), now: clock.now())
        // The tasks it was split from take the change in (issue 14).
        try await SubtaskRollup.propagate(from: task.$parentTask.id, reopen: action == .lookBackRebound, on: tx,
                                          today: today, actor: access.auditActor, now: clock.now())
    }

    static func error(_ r: Refusal) -> AppError {
        switch r.kind {
        case .forbidden: AppError(status: .forbidden, code: r.code, message: r.message)
        case .wrongState: AppError(status: .conflict, code: r.code, message: r.message)
        case .invalidInput: AppError(status: .unprocessableEntity, code: r.code, message: r.message)
        }
    }

    // MARK: - Transitions

    /// Takes a lifecycle action on a task (issue 3 §1, §2, §7, §8).
    @discardableResult
    func perform(_ action: TaskAction, taskID: Int, payload: Payload) async throws -> TaskRecord {
        try await db.writeTransaction { tx in try await perform(action, taskID: taskID, payload: payload, in: tx) }
    }

    /// The same, inside a transaction the caller holds, so a transition and the records
    /// that go with it (an answered objection, a completed look-back) commit together.
    @discardableResult
    func perform(_ action: TaskAction, taskID: Int, payload: Payload, in tx: any Database) async throws -> TaskRecord {
        let view = try await load(taskID, on: tx, expectedVersion: payload.version)
        let task = view.task
        let before = TaskSnapshot(task)

        // Facts of the latest notice, for closure.
        let notice = try await TaskEntry.query(on: tx).filter(\.$task.$id == taskID)
            .filter(\.$kind == TaskEntryKind.notice).sort(\.$id, .descending).first()
        var standing = 0
        if let noticeID = notice?.id {
            standing = try await TaskEntry.query(on: tx).filter(\.$parent.$id == noticeID)
                .filter(\.$kind == TaskEntryKind.objection).filter(\.$answeredAt == nil).count()
        }
        var input = ActionInput(today: today, opinion: payload.opinion, narrative: payload.narrative,
                                noticeStart: payload.noticeStart, noticeEnd: payload.noticeEnd,
                                noticeText: payload.noticeText, findings: payload.findings,
                                standingObjections: standing,
                                noticeEndsOn: notice?.untilDate.flatMap(LocalDate.init(iso:)))
        if action == .openNotice {
            // Default: from today, for 5 working days.
            input.noticeStart = input.noticeStart ?? today
            input.noticeEnd = input.noticeEnd ?? (input.noticeStart ?? today).endOfWorkingDays(5)
        }
        let acceptance = view.acceptance
        let facts = TaskFacts(state: task.state, kind: task.kind, basicallyCompleted: task.basicallyCompleted,
                              openSubtasks: task.subtasksOpen, acceptanceStepsLeft: acceptance.left)
        if [.acceptPass, .acceptBasicallyComplete, .acceptFail].contains(action), let step = acceptance.current,
           access.roles.contains(.acceptor), access.unitRoles(on: view).contains(.acceptance), !acceptance.admits(access) {
            throw AppError(status: .forbidden, code: "lifecycle.notThisStep",
                           message: "当前为“\(step.name)”,应由任务的\(step.level.label)验收单位办理")
        }
        let decision: Decision
        switch Lifecycle.decide(action, task: facts, actor: access.actorFacts(on: view), input: input) {
        case .failure(let refusal): throw LifecycleService.error(refusal)
        case .success(let d): decision = d
        }

        let now = clock.now()
        switch action {
        case .assign:
            task.assignedOn = today.iso
        case .claim:
            guard let unitID = access.unitID else { throw AppError.forbidden }
            let already = try await TaskClaim.query(on: tx).filter(\.$task.$id == taskID).filter(\.$unit.$id == unitID).count()
            if already > 0 {
                throw AppError(status: .conflict, code: "claim.already", message: "本单位已认领该任务")
            }
            let claim = TaskClaim()
            claim.$task.id = taskID
            claim.$unit.id = unitID
            claim.$user.id = access.userID
            claim.claimedAt = now
            try await claim.create(on: tx)
            // Only the responsible unit's claim starts the work.
            if !access.unitRoles(on: view).contains(.responsible) {
                try await Audit.record(on: tx, actor: access.auditActor, action: .claim, recordType: "task_claim",
                                       recordID: try claim.requireID(), taskID: taskID,
                                       before: Optional<String>.none, after: ["unitID": unitID], now: now)
                return task
            }
        case .submitCompletion:
            try await TaskEntry(taskID: taskID, kind: .completion, userID: access.userID,
                                text: input.narrative ?? "", now: now).create(on: tx)
        case .acceptPass, .acceptBasicallyComplete, .acceptFail:
            let verdict: EntryVerdict = action == .acceptPass ? .pass : action == .acceptFail ? .fail : .basicallyComplete
            let entry = TaskEntry(taskID: taskID, kind: .acceptance, userID: access.userID, text: input.opinion ?? "",
                                  onDate: today.iso, people: payload.people ?? "", verdict: verdict, now: now)
            entry.step = acceptance.current?.name
            try await entry.create(on: tx)
            // A chain's step passed: on to the next level (after the last, all are passed); a step failed: start again.
            task.acceptanceStep = action == .acceptFail ? 0 : task.acceptanceStep + 1
        case .openNotice:
            try await TaskEntry(taskID: taskID, kind: .notice, userID: access.userID, text: input.noticeText ?? "",
                                onDate: input.noticeStart?.iso, untilDate: input.noticeEnd?.iso, now: now).create(on: tx)
        case .upholdObjection, .close:
            break
        case .lookBackRebound:
            try await TaskEntry(taskID: taskID, kind: .lookBack, userID: access.userID, text: input.findings ?? "",
                                onDate: today.iso, people: payload.people ?? "", verdict: .rebound, now: now).create(on: tx)
            task.reboundCount += 1
        }
        if decision.to == .inProgress || action == .submitCompletion { task.acceptanceStep = 0 }
        task.state = decision.to
        task.basicallyCompleted = decision.basicallyCompleted
        try await commit(task, before: before, action: AuditAction(action), on: tx)
        try await notify(action, view: view, now: now, on: tx)
        return task
    }

    /// Who hears of a transition (issue 12 §3): the units of a task just assigned; the
    /// acceptance unit and the office when acceptance is requested.
    func notify(_ action: TaskAction, view: TaskView, now: Date, on tx: any Database) async throws {
        let task = view.task
        let line = Notifier.taskLine(task)
        switch action {
        case .assign:
            let units = view.assignments.filter { $0.role != .acceptance }.map(\.unitID)
            try await Notifier.emit(NotificationEvent(
                kind: .taskAssigned, title: "\(line):已交办,请认领",
                body: "整改时限 \(task.deadline.flatMap(LocalDate.init(iso:))?.chinese ?? "未定")。请登录认领并按期报送进展。",
                link: SiteURL.task(view.id).path, taskID: view.id, regionCode: task.regionCode,
                dedupe: "taskAssigned:\(view.id):\(task.version)",
                recipients: try await Notifier.users(ofUnits: units, role: .unit, on: tx)), on: tx, now: now)
        case .submitCompletion, .acceptPass, .acceptBasicallyComplete:
            // The acceptors of the step now due (all of them without a chain), and the office.
            let state = AcceptanceState(steps: view.acceptance.steps, passed: task.acceptanceStep)
            if action != .submitCompletion && (task.state != .completionSubmitted || state.current == nil) { break }
            let acceptors = view.units(.acceptance).filter { a in
                state.current.map { RegionLevel.of(a.unitRegion) == $0.level } ?? true
            }.map(\.unitID)
            try await Notifier.emit(NotificationEvent(
                kind: .acceptanceRequested, title: state.current.map { "\(line):待\($0.name)" } ?? "\(line):申请验收",
                body: action == .submitCompletion ? "责任单位已申请验收,请组织验收。"
                    : "上一级验收已通过,请组织\(state.current?.name ?? "验收")。",
                link: SiteURL.task(view.id).path, taskID: view.id, regionCode: task.regionCode,
                dedupe: "acceptanceRequested:\(view.id):\(task.version)",
                recipients: try await Notifier.users(ofUnits: acceptors, role: .acceptor, on: tx)
                    + Notifier.users(over: task.regionCode, on: tx)), on: tx, now: now)
        default:
            break
        }
    }
}

/// 409 with who changed the record and when (issue 3 §11).
enum Conflict {
    static func error(for task: TaskRecord, on db: any Database) async throws -> AppError {
        var who = "其他用户"
        if let id = task.$updatedBy.id, let user = try await User.find(id, on: db) { who = user.displayName }
        let when = task.updatedAt.map { Audit.timestamp($0) } ?? "刚才"
        return AppError(status: .conflict, code: "conflict",
                        message: "该任务已被\(who)于\(when)修改(当前版本 \(task.version)),请刷新后重试;您的修改未保存")
    }
}
