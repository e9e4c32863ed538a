import Fluent
import SQLKit
import Foundation
import Vapor
import RectifyCore

/// Splitting a task to lower levels and rolling its figures back up (issue 14 §1; the
/// rule is `Rollup`'s). Every change to a task that has a parent walks up the chain in the
/// same transaction, so the province's figures are true the moment a county's change commits.
enum SubtaskRollup {
    /// How many levels a walk up may take (a guard, deeper than `Store.maxSubtaskDepth`).
    static let maxWalk = 8

    /// A sub-task as its parent's page and detail list it.
    struct Row: Sendable {
        let id: Int
        let code: String
        let title: String
        let regionCode: Int?
        let deadline: String?
        let facts: SubtaskFacts
        /// Whether the asking user may read it (always true without a scope).
        let readable: Bool
    }

    /// A task's sub-tasks, by code: one statement. `scope`: the reader's (`LedgerQuery.scope`),
    /// which decides `readable`.
    static func rows(of parentID: Int, scope: SQLQueryString? = nil, on db: any Database) async throws -> [Row] {
        guard let sql = db as? any SQLDatabase else { throw Abort(.internalServerError) }
        return try await sql.raw("""
            SELECT tasks.id, tasks.number, tasks.code, tasks.title, tasks.region_code, tasks.deadline, tasks.state, tasks.light, \
            tasks.progress_status, tasks.subtasks_total, tasks.rolled_percent, \
            (SELECT r.percent FROM progress_reports r WHERE r.task_id = tasks.id AND r.status = 'accepted' \
            ORDER BY r.submitted_at DESC, r.id DESC LIMIT 1) AS percent, \
            CASE WHEN \(scope ?? "1 = 1") THEN 1 ELSE 0 END AS readable \
            FROM tasks WHERE tasks.parent_task_id = \(bind: parentID) ORDER BY tasks.id
            """).all().map { r in
                let split = try r.integer("subtasks_total") > 0
                let facts = SubtaskFacts(state: try r.value("state"), light: try r.valueOrNil("light"),
                                         status: try r.valueOrNil("progress_status"),
                                         percent: split ? try r.integerOrNil("rolled_percent") : try r.integerOrNil("percent"))
                return Row(id: try r.integer("id"), code: try r.textOrNil("code") ?? String(try r.integer("number")),
                           title: try r.text("title"), regionCode: try r.integerOrNil("region_code"),
                           deadline: try r.textOrNil("deadline"), facts: facts, readable: try r.integer("readable") == 1)
            }
    }

    /// The facts of a task's sub-tasks: one statement.
    static func children(of parentID: Int, on db: any Database) async throws -> [SubtaskFacts] {
        try await rows(of: parentID, on: db).map(\.facts)
    }

    /// On PostgreSQL, locks the rows of the tasks above `taskID`, nearest first. A write takes
    /// them before its first audit event (whose lock every writer takes): a writer holding the
    /// audit lock and waiting for a parent's row, while the parent's own writer holds that row
    /// and waits for the audit lock, would be a deadlock. Rows are always taken deepest first.
    static func lockAncestors(of taskID: Int, on tx: any Database) async throws {
        guard let sql = tx as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
        struct Row: Decodable { let parent_task_id: Int? }
        var current = taskID
        for _ in 0..<maxWalk {
            guard let parent = try await sql.raw("SELECT parent_task_id FROM tasks WHERE id = \(bind: current)")
                .first(decoding: Row.self)?.parent_task_id else { return }
            try await sql.raw("SELECT id FROM tasks WHERE id = \(bind: parent) FOR UPDATE").run()
            current = parent
        }
    }

    /// After a change to a task whose parent is `parentID`, inside the change's transaction:
    /// refreshes each task above it, saving and auditing what changed, and stops at the first
    /// that did not change. `reopen`: the change was a rebound, which reopens finished tasks above.
    static func propagate(from parentID: Int?, reopen: Bool = false, on tx: any Database, today: LocalDate,
                          actor: Audit.Actor, now: Date) async throws {
        var next = parentID
        var steps = 0
        while let id = next, steps < maxWalk {
            steps += 1
            if let sql = tx as? any SQLDatabase, sql.dialect.name == "postgresql" {
                try await sql.raw("SELECT id FROM tasks WHERE id = \(bind: id) FOR UPDATE").run()
            }
            guard let parent = try await TaskRecord.find(id, on: tx) else { return }
            let before = TaskSnapshot(parent)
            let counts = (parent.subtasksTotal, parent.subtasksOpen, parent.rolledPercent)
            var action = AuditAction.taskRollup
            if reopen, [.accepted, .publicNotice, .closed].contains(parent.state) {
                parent.state = .inProgress
                parent.basicallyCompleted = false
                parent.version += 1
                action = .taskReopenedBySubtask
            }
            // Make sure refresh reads the children even if this is the first one.
            parent.subtasksTotal = max(parent.subtasksTotal, 1)
            try await TaskAssessment.refresh(parent, on: tx, today: today)
            let after = TaskSnapshot(parent)
            let countsChanged = counts != (parent.subtasksTotal, parent.subtasksOpen, parent.rolledPercent)
            guard after != before || countsChanged else { return }
            try await parent.save(on: tx)
            if after != before {
                try await Audit.record(on: tx, actor: actor, action: action, recordType: "task", recordID: id, taskID: id,
                                       before: before, after: after, now: now)
            } else {
                // Only the roll-up's counts moved: recorded apart from the task's snapshots.
                struct Counts: Encodable { let subtasksTotal: Int; let subtasksOpen: Int; let rolledPercent: Int? }
                try await Audit.record(on: tx, actor: actor, action: .taskRollup, recordType: "task_rollup", recordID: id, taskID: id,
                                       before: Counts(subtasksTotal: counts.0, subtasksOpen: counts.1, rolledPercent: counts.2),
                                       after: Counts(subtasksTotal: parent.subtasksTotal, subtasksOpen: parent.subtasksOpen,
                                                     rolledPercent: parent.rolledPercent), now: now)
            }
            next = parent.$parentTask.id
        }
    }
}

/// Splits a task to lower-level regions and units (分解): the office over the task names
/// the sub-task's units, target and deadline; the sub-task is assigned at once (unless the
/// task is still a draft), its units hear of it, and the task's roll-up takes it in.
struct SubtaskService {
    let lifecycle: LifecycleService

    struct NewSubtask: Content {
        /// Defaults to the task's title with the responsible units' region.
        var title: String?
        /// Defaults to the task's target.
        var target: String?
        var measures: String?
        /// Required for a time-limited task; not later than the task's own.
        var deadline: LocalDate?
        var leadOfficial: String?
        var responsible: [Int]
        var cooperating: [Int]?
        var supervising: [Int]?
        var acceptance: [Int]?
    }

    @discardableResult
    func split(parentID: Int, _ body: NewSubtask) async throws -> TaskRecord {
        let access = lifecycle.access, clock = lifecycle.clock
        return try await lifecycle.db.writeTransaction { tx in
            let parentView = try await lifecycle.on(tx).load(parentID, on: tx, expectedVersion: nil)
            guard access.isOffice(over: parentView) else {
                throw AppError(status: .forbidden, code: "subtask.forbidden", message: "只有该任务所属地区的整改办可以分解任务")
            }
            let parent = parentView.task
            if body.responsible.isEmpty {
                throw ValidationFailure([.init("subtask.responsibleRequired", field: "responsible", "请选择子任务的责任单位")])
            }
            guard body.responsible.count + (body.cooperating?.count ?? 0) + (body.supervising?.count ?? 0)
                    + (body.acceptance?.count ?? 0) <= 100 else {
                throw ValidationFailure([.init("subtask.tooManyUnits", field: "responsible", "一项子任务最多指定 100 个单位")])
            }
            var assignments: [UnitAssignment] = []
            for (ids, role) in [(body.responsible, UnitRole.responsible), (body.cooperating ?? [], .cooperating),
                                (body.supervising ?? [], .supervising), (body.acceptance ?? [], .acceptance)] {
                assignments += Set(ids).sorted().map { UnitAssignment(unitID: $0, role: role) }
            }
            let responsibleUnits = try await Unit.query(on: tx).filter(\.$id ~~ Set(body.responsible)).all()
            let region = RegionCatalog.commonAncestor(responsibleUnits.map(\.$region.id))
            let regionName = region.flatMap { RegionCatalog.byCode[$0]?.name } ?? ""
            let inspectionID = parent.$inspection.id
            let numbers = try await TaskRecord.query(on: tx).filter(\.$inspection.$id == inspectionID).all(\.$number)
            let title = body.title.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
                ?? (regionName.isEmpty ? parent.title : "\(parent.title)(\(regionName))")
            // The problems the task answers and its areas are the sub-task's too.
            let problems = try await TaskProblem.query(on: tx).filter(\.$task.$id == parentID).all(\.$problem.$id)
            let tags = try await TaskTag.query(on: tx).filter(\.$task.$id == parentID).all(\.$tag).compactMap(DomainTag.init(rawValue:))
            let draft = TaskDraft(
                number: (numbers.max() ?? 0) + 1, title: title, target: body.target ?? parent.target,
                measures: body.measures ?? "", kind: parent.kind, deadline: body.deadline,
                leadOfficial: body.leadOfficial ?? "", problemIDs: problems, assignments: assignments,
                tags: tags, parentTaskID: parentID)
            let state: TaskState = parent.state == .draft ? .draft : .assigned
            let child = try await Store(db: tx).createTask(inspectionID: inspectionID, draft, state: state, today: clock.today)
            let childID = try child.requireID()
            if state != .draft { child.assignedOn = clock.today.iso }
            try await TaskAssessment.refresh(child, on: tx, today: clock.today)
            try await child.save(on: tx)
            let now = clock.now()
            for taskID in [parentID, childID] {
                try await Audit.record(on: tx, actor: access.auditActor, action: .taskSplit, recordType: "task",
                                       recordID: childID, taskID: taskID, before: Optional<TaskSnapshot>.none,
                                       after: TaskSnapshot(child), now: now)
            }
            try await SubtaskRollup.propagate(from: parentID, on: tx, today: clock.today, actor: access.auditActor, now: now)
            if state != .draft, let view = try await TaskView.load(childID, on: tx) {
                try await lifecycle.on(tx).notify(.assign, view: view, now: now, on: tx)
            }
            return child
        }
    }
}
