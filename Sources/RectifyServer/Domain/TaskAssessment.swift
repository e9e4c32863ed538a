import Fluent
import SQLKit
import Foundation
import RectifyCore

/// Keeps a task's materialised warning light and public status in step with its
/// facts, so the ledger can filter and count them by index (issue 3, Scale).
/// Refreshed in the transaction of every change to the task, and for every open task
/// by `rectify recompute` (run it daily: time alone turns lights yellow and red).
enum TaskAssessment {
    static func start(of task: TaskRecord, on db: any Database) async throws -> LocalDate {
        var inspection = task.$inspection.value
        if inspection == nil { inspection = try await Inspection.find(task.$inspection.id, on: db) }
        return start(of: task, inspection: inspection)
    }

    /// The day the schedule counts from: the plan's approval, else the feedback, else the task's creation.
    static func start(of task: TaskRecord, inspection: Inspection?) -> LocalDate {
        let candidates = [inspection?.planApprovedDate, inspection?.feedbackDate].compactMap { $0 }.compactMap(LocalDate.init(iso:))
        if let first = candidates.first { return first }
        return LocalDate.today(now: task.createdAt ?? Date())
    }

    static func facts(for task: TaskRecord, on db: any Database) async throws -> ScheduleFacts {
        let id = try task.requireID()
        let milestones = try await TaskMilestone.query(on: db).filter(\.$task.$id == id).all()
        let latest = try await ProgressReport.query(on: db).filter(\.$task.$id == id)
            .filter(\.$status == ReportStatus.accepted).sort(\.$submittedAt, .descending).first()
        return facts(for: task, start: try await start(of: task, on: db),
                     milestones: milestones.map { ($0.date, $0.description, $0.reachedOn != nil) }, reportedPercent: latest?.percent)
    }

    /// The facts from what the caller has already read.
    static func facts(for task: TaskRecord, start: LocalDate, milestones: [(date: String, description: String, reached: Bool)], reportedPercent: Int?) -> ScheduleFacts {
        ScheduleFacts(
            state: task.state, kind: task.kind, start: start,
            deadline: task.deadline.flatMap(LocalDate.init(iso:)),
            milestones: milestones.compactMap { date, description, reached in
                LocalDate(iso: date).map { MilestoneFact(date: $0, description: description, reached: reached) }
            },
            reportedPercent: reportedPercent)
    }

    /// Recomputes and stores the light and public status; returns them. Does not save
    /// other changes of the caller's, nor bump the version: callers save the task.
    @discardableResult
    static func refresh(_ task: TaskRecord, on db: any Database, today: LocalDate) async throws
        -> (ScheduleAssessment?, PublicStatusWords) {
        let settings = try await OfficeSettings.effective(for: task.regionCode, on: db)
        let assessment = Schedule.assess(try await facts(for: task, on: db), today: today, settings: settings)
        var words = PublicStatusWords.of(state: task.state, kind: task.kind,
                                         basicallyCompleted: task.basicallyCompleted, assessment: assessment)
        var light = assessment?.light
        if task.subtasksTotal > 0, let id = task.id {
            // A task split to lower levels takes its figures from them too (`Rollup`).
            let rollup = Rollup.of(try await SubtaskRollup.children(of: id, on: db))
            task.subtasksTotal = rollup.total
            task.subtasksOpen = rollup.open
            task.rolledPercent = rollup.total > 0 ? rollup.percent : nil
            (light, words) = rollup.combine(state: task.state, ownLight: light, own: words)
        }
        if light != task.light { task.lightSince = light == nil ? nil : today.iso }
        task.light = light
        task.progressStatus = words.status
        return (assessment, words)
    }
}

extension TaskAssessment {
    /// Refreshes every open task for `today`; returns how many changed.
    ///
    /// Tasks are read a thousand at a time outside any transaction, and those whose light or
    /// status would change are written fifty to a transaction that takes its locks in the
    /// order every edit takes them: the tasks' rows first (in id order), then the audit
    /// trail's. Saving a task and then auditing it, task after task, held the audit lock while
    /// waiting for the next row, which an edit held while waiting for the audit lock: on
    /// PostgreSQL that was a deadlock (`rectify recompute` under edits failed 9 of 15 runs).
    static func recomputeAll(on db: any Database, today: LocalDate, now: Date = Date()) async throws -> Int {
        var changed = 0
        var afterID = 0
        // Tasks not split first, then split ones from the deepest up, so each roll-up reads
        // sub-tasks already refreshed for today.
        while true {
            let page = try await TaskRecord.query(on: db).filter(\.$id > afterID).filter(\.$subtasksTotal == 0)
                .filter(\.$state ~~ TaskState.timeSensitive).sort(\.$id).limit(1_000).all()
            guard let last = page.last?.id else { break }
            var stale: [Int] = []
            for task in page {
                let before = (task.light, task.progressStatus)
                try await refresh(task, on: db, today: today)
                if before != (task.light, task.progressStatus), let id = task.id { stale.append(id) }
            }
            for start in stride(from: 0, to: stale.count, by: 50) {
                let batch = Array(stale[start..<min(start + 50, stale.count)])
                changed += try await db.writeTransaction { tx in try await recompute(batch, on: tx, today: today, now: now) }
            }
            afterID = last
        }
        let split = try await TaskRecord.query(on: db).filter(\.$subtasksTotal > 0)
            .filter(\.$state ~~ TaskState.timeSensitive).sort(\.$depth, .descending).sort(\.$id).all(\.$id)
        for id in split {
            // One at a time, in order: a parent must see its split children's new figures.
            changed += try await db.writeTransaction { tx in try await recompute([id], on: tx, today: today, now: now) }
        }
        return changed
    }

    /// Inside a write transaction: locks these tasks' rows, then refreshes and audits each that
    /// still changes (an edit may have come first). Returns how many changed.
    private static func recompute(_ ids: [Int], on tx: any Database, today: LocalDate, now: Date) async throws -> Int {
        if let sql = tx as? any SQLDatabase, sql.dialect.name == "postgresql" {
            let list = SQLList(ids.map { SQLBind($0) })
            try await sql.raw("SELECT id FROM tasks WHERE id IN (\(list)) ORDER BY id FOR UPDATE").run()
        }
        let tasks = try await TaskRecord.query(on: tx).filter(\.$id ~~ ids).filter(\.$state ~~ TaskState.timeSensitive)
            .sort(\.$id).all()
        var n = 0
        for task in tasks {
            let before = TaskSnapshot(task)
            try await refresh(task, on: tx, today: today)
            guard (before.light, before.progressStatus) != (task.light?.rawValue, task.progressStatus?.rawValue),
                  let id = task.id else { continue }
            try await task.save(on: tx)
            // Audited, so the ledger as of any past day can be rebuilt (reports by date).
            try await Audit.record(on: tx, actor: Access.system.auditActor, action: .taskRecompute,
                                   recordType: "task", recordID: id, taskID: id,
                                   before: before, after: TaskSnapshot(task), now: now)
            n += 1
        }
        return n
    }
}

/// What the audit trail records of a task before and after a change.
struct TaskSnapshot: Codable, Equatable {
    let state: String
    let basicallyCompleted: Bool
    let reboundCount: Int
    let deadline: String?
    let originalDeadline: String?
    let light: String?
    let progressStatus: String?
    let title: String
    let target: String
    let measures: String
    let leadOfficial: String
    let version: Int

    init(_ t: TaskRecord) {
        state = t.state.rawValue
        basicallyCompleted = t.basicallyCompleted
        reboundCount = t.reboundCount
        deadline = t.deadline
        originalDeadline = t.originalDeadline
        light = t.light?.rawValue
        progressStatus = t.progressStatus?.rawValue
        title = t.title
        target = t.target
        measures = t.measures
        leadOfficial = t.leadOfficial
        version = t.version
    }
}
