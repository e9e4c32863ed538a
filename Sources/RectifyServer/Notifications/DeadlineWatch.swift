import Fluent
import Foundation
import SQLKit
import Vapor
import RectifyCore

/// The day's reminders (issue 12 §2–3), made by the scheduler once a day: deadlines near
/// and just passed, claims overdue, round reports due soon or overdue, orders unanswered
/// past their date, tasks red long enough to escalate, and a split-down task (a city's
/// part of a province's task) that turned red, for the units of the task above it. Every reminder has a key that
/// names what it is about (the task and its deadline, the round, the order), so running
/// the job again, or on another instance, adds nothing. What passed more than a week ago
/// is not announced again: a server that was down for a day still catches up, and a
/// first start on an old ledger does not flood every inbox.
enum DeadlineWatch {
    /// How many days ahead a deadline is announced.
    static let nearDays = 7
    /// How many days ahead a round's due date is announced.
    static let reportDueDays = 3
    /// How far back something just passed is still announced.
    static let catchUpDays = 7
    /// At most this many reminders of one kind per run.
    static let limit = 1_000

    /// Makes the reminders of `day`; answers how many events it emitted.
    static func run(_ app: Application, day: LocalDate) async throws -> Int {
        guard let sql = app.db as? any SQLDatabase else { return 0 }
        let now = app.clock.now()
        var events: [NotificationEvent] = []
        events += try await deadlines(sql, app.db, day: day)
        events += try await claims(sql, app.db, day: day)
        events += try await rounds(sql, app.db, day: day)
        events += try await orders(sql, app.db, day: day)
        events += try await escalations(sql, app.db, day: day)
        events += try await childrenBehind(sql, app.db, day: day)
        // In batches, so no transaction holds the write lock for long.
        var index = 0
        while index < events.count {
            let batch = Array(events[index..<min(index + 100, events.count)])
            try await app.db.writeTransaction { tx in
                for e in batch { try await Notifier.emit(e, on: tx, now: now) }
                try await Audit.record(on: tx, actor: Audit.Actor(userID: nil, name: "系统(定时任务)"), action: .remindersIssued,
                                       recordType: "scheduler_run", recordID: 0, taskID: nil, before: Optional<String>.none,
                                       after: ["day": day.iso, "events": String(batch.count)], now: now)
            }
            index += batch.count
        }
        if !events.isEmpty { app.deliverer.kick(app) }
        return events.count
    }

    private struct TaskRow: Decodable {
        let id: Int
        let number: Int
        let title: String
        let deadline: String?
        let region_code: Int?
        let assigned_on: String?
        let light_since: String?
    }

    private static let taskColumns = "t.id, t.number, t.title, t.deadline, t.region_code, t.assigned_on, t.light_since"

    private static func title(_ t: TaskRow) -> String { "第\(t.number)项 \(t.title)" }

    static func deadlines(_ sql: any SQLDatabase, _ db: any Database, day: LocalDate) async throws -> [NotificationEvent] {
        let open = TaskState.inWork.map(\.rawValue)
        let near = try await sql.raw("""
            SELECT \(unsafeRaw: taskColumns) FROM tasks t WHERE t.state IN (\(binds: open)) \
            AND t.deadline >= \(bind: day.iso) AND t.deadline <= \(bind: day.adding(days: nearDays).iso) \
            ORDER BY t.deadline, t.id LIMIT \(unsafeRaw: String(limit))
            """).all(decoding: TaskRow.self)
        let passed = try await sql.raw("""
            SELECT \(unsafeRaw: taskColumns) FROM tasks t WHERE t.state IN (\(binds: open)) \
            AND t.deadline >= \(bind: day.adding(days: -catchUpDays).iso) AND t.deadline < \(bind: day.iso) \
            ORDER BY t.deadline, t.id LIMIT \(unsafeRaw: String(limit))
            """).all(decoding: TaskRow.self)
        var out: [NotificationEvent] = []
        for t in near {
            guard let deadline = t.deadline.flatMap(LocalDate.init(iso:)) else { continue }
            let left = deadline.dayNumber - day.dayNumber
            let units = try await Notifier.units(of: t.id, [.responsible], on: db)
            out.append(NotificationEvent(
                kind: .deadlineNear, title: "\(title(t)):整改时限\(left == 0 ? "为今天" : "还有 \(left) 天")",
                body: "整改时限 \(deadline.chinese),请按时完成整改并申请验收;确需延期的,请在时限前申请。",
                link: SiteURL.task(t.id).path, taskID: t.id, regionCode: t.region_code,
                dedupe: "deadlineNear:\(t.id):\(deadline.iso)",
                recipients: try await Notifier.users(ofUnits: units, role: .unit, on: db)))
        }
        for t in passed {
            guard let deadline = t.deadline.flatMap(LocalDate.init(iso:)) else { continue }
            let units = try await Notifier.units(of: t.id, [.responsible], on: db)
            out.append(NotificationEvent(
                kind: .deadlinePassed, title: "\(title(t)):已超过整改时限",
                body: "整改时限 \(deadline.chinese) 已过,任务尚未申请验收。",
                link: SiteURL.task(t.id).path, taskID: t.id, regionCode: t.region_code,
                dedupe: "deadlinePassed:\(t.id):\(deadline.iso)",
                recipients: try await Notifier.users(ofUnits: units, role: .unit, on: db)
                    + Notifier.users(over: t.region_code, on: db)))
        }
        return out
    }

    static func claims(_ sql: any SQLDatabase, _ db: any Database, day: LocalDate) async throws -> [NotificationEvent] {
        // Candidates: assigned in the window where any office's threshold (1…365 days) may fall.
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: taskColumns) FROM tasks t WHERE t.state = \(bind: TaskState.assigned.rawValue) \
            AND t.assigned_on IS NOT NULL AND t.assigned_on < \(bind: day.iso) \
            AND t.assigned_on >= \(bind: day.adding(days: -(365 + catchUpDays)).iso) \
            ORDER BY t.assigned_on DESC, t.id LIMIT \(unsafeRaw: String(limit))
            """).all(decoding: TaskRow.self)
        var settings: [Int: ScheduleSettings] = [:]
        var out: [NotificationEvent] = []
        for t in rows {
            guard let assigned = t.assigned_on.flatMap(LocalDate.init(iso:)) else { continue }
            let region = t.region_code ?? 0
            let s: ScheduleSettings
            if let known = settings[region] { s = known } else {
                s = try await OfficeSettings.effective(for: t.region_code, on: db)
                settings[region] = s
            }
            let overdueOn = assigned.adding(days: s.unclaimedDays)
            guard overdueOn <= day, overdueOn > day.adding(days: -catchUpDays) else { continue }
            struct U: Decodable { let unit_id: Int }
            let waiting = try await sql.raw("""
                SELECT tu.unit_id FROM task_units tu WHERE tu.task_id = \(bind: t.id) AND tu.role <> 'acceptance' \
                AND NOT EXISTS (SELECT 1 FROM task_claims c WHERE c.task_id = tu.task_id AND c.unit_id = tu.unit_id)
                """).all(decoding: U.self).map(\.unit_id)
            guard !waiting.isEmpty else { continue }
            out.append(NotificationEvent(
                kind: .claimOverdue, title: "\(title(t)):交办 \(s.unclaimedDays) 天仍未认领",
                body: "该任务于 \(assigned.chinese) 交办,尚有 \(waiting.count) 个单位未认领。",
                link: SiteURL.task(t.id).path, taskID: t.id, regionCode: t.region_code,
                dedupe: "claimOverdue:\(t.id):\(assigned.iso)",
                recipients: try await Notifier.users(ofUnits: waiting, role: .unit, on: db)
                    + Notifier.users(over: t.region_code, on: db)))
        }
        return out
    }

    static func rounds(_ sql: any SQLDatabase, _ db: any Database, day: LocalDate) async throws -> [NotificationEvent] {
        let open = try await DispatchRound.query(on: db).filter(\.$closedAt == nil).all()
        var out: [NotificationEvent] = []
        for round in open {
            guard let due = LocalDate(iso: round.dueDate), let id = round.id else { continue }
            let left = due.dayNumber - day.dayNumber
            let dueSoon = (0...reportDueDays).contains(left)
            let overdue = left < 0 && left >= -catchUpDays
            guard dueSoon || overdue else { continue }
            let range = Access.subtree(of: round.$region.id)
            struct Owed: Decodable { let unit_id: Int; let n: Int }
            // Units that owe this round a report: one row per unit with how many tasks.
            let owed = try await sql.raw("""
                SELECT tu.unit_id, COUNT(*) AS n FROM tasks t \
                JOIN task_units tu ON tu.task_id = t.id AND tu.role = \(bind: UnitRole.responsible.rawValue) \
                WHERE t.state IN (\(binds: TaskState.inWork.map(\.rawValue))) \
                AND t.region_code BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound) \
                AND NOT EXISTS (SELECT 1 FROM progress_reports r WHERE r.round_id = \(bind: id) AND r.task_id = t.id \
                AND r.unit_id = tu.unit_id AND r.status <> \(bind: ReportStatus.returned.rawValue)) \
                GROUP BY tu.unit_id ORDER BY tu.unit_id LIMIT \(unsafeRaw: String(limit))
                """).all(decoding: Owed.self)
            for o in owed {
                let users = try await Notifier.users(ofUnits: [o.unit_id], role: .unit, on: db)
                out.append(dueSoon
                    ? NotificationEvent(kind: .reportDue, title: "\(round.name):报送\(left == 0 ? "今天截止" : "还有 \(left) 天截止")",
                                        body: "请于 \(due.chinese) 前报送,本单位尚有 \(o.n) 项任务未报送。",
                                        link: SiteURL.myWork.path, taskID: nil, regionCode: round.$region.id,
                                        dedupe: "reportDue:\(id):\(o.unit_id)", recipients: users)
                    : NotificationEvent(kind: .reportOverdue, title: "\(round.name):报送已逾期",
                                        body: "报送截止 \(due.chinese) 已过,本单位尚有 \(o.n) 项任务未报送。",
                                        link: SiteURL.myWork.path, taskID: nil, regionCode: round.$region.id,
                                        dedupe: "reportOverdue:\(id):\(o.unit_id)", recipients: users))
            }
        }
        return out
    }

    static func orders(_ sql: any SQLDatabase, _ db: any Database, day: LocalDate) async throws -> [NotificationEvent] {
        let late = try await SupervisionOrder.query(on: db).filter(\.$closedAt == nil).filter(\.$replyText == nil)
            .filter(\.$replyBy < day.iso).filter(\.$replyBy >= day.adding(days: -catchUpDays).iso)
            .sort(\.$replyBy).limit(limit).all()
        var out: [NotificationEvent] = []
        for o in late {
            guard let id = o.id else { continue }
            let number = OversightService.number(o)
            out.append(NotificationEvent(
                kind: .orderOverdue, title: "\(number) 逾期未答复",
                body: "督办事由:\(o.reason)。答复期限 \(LocalDate(iso: o.replyBy)?.chinese ?? o.replyBy) 已过。",
                link: SiteURL.orders.path, taskID: nil, regionCode: o.$region.id, dedupe: "orderOverdue:\(id)",
                recipients: try await Notifier.users(ofUnits: [o.$unit.id], role: .unit, on: db) + [o.$issuedBy.id]))
        }
        return out
    }

    static func escalations(_ sql: any SQLDatabase, _ db: any Database, day: LocalDate) async throws -> [NotificationEvent] {
        // Red since a day that may pass any office's threshold today (1…365 days back).
        let rows = try await sql.raw("""
            SELECT \(unsafeRaw: taskColumns) FROM tasks t WHERE t.light = 'red' AND t.light_since IS NOT NULL \
            AND t.light_since <= \(bind: day.iso) \
            AND t.id NOT IN (SELECT ot.task_id FROM supervision_order_tasks ot \
            JOIN supervision_orders o ON o.id = ot.order_id WHERE o.closed_at IS NULL) \
            ORDER BY t.light_since DESC, t.id LIMIT \(unsafeRaw: String(limit))
            """).all(decoding: TaskRow.self)
        var settings: [Int: ScheduleSettings] = [:]
        var out: [NotificationEvent] = []
        for t in rows {
            guard let since = t.light_since.flatMap(LocalDate.init(iso:)) else { continue }
            let region = t.region_code ?? 0
            let s: ScheduleSettings
            if let known = settings[region] { s = known } else {
                s = try await OfficeSettings.effective(for: t.region_code, on: db)
                settings[region] = s
            }
            let due = since.adding(days: s.redDaysBeforeOrder)
            guard due <= day, due > day.adding(days: -catchUpDays) else { continue }
            out.append(NotificationEvent(
                kind: .escalation, title: "\(title(t)):红灯已 \(s.redDaysBeforeOrder) 天,建议督办",
                body: "自 \(since.chinese) 起为红灯,尚无未结督办单。",
                link: SiteURL.task(t.id).path, taskID: t.id, regionCode: t.region_code,
                dedupe: "escalation:\(t.id):\(since.iso)",
                recipients: try await Notifier.users(over: t.region_code, on: db)))
        }
        return out
    }

    static func childrenBehind(_ sql: any SQLDatabase, _ db: any Database, day: LocalDate) async throws -> [NotificationEvent] {
        struct Row: Decodable {
            let id: Int; let number: Int; let title: String; let region_code: Int?; let light_since: String?
            let parent_id: Int; let parent_number: Int; let parent_title: String; let parent_region: Int?
        }
        let rows = try await sql.raw("""
            SELECT t.id, t.number, t.title, t.region_code, t.light_since, p.id AS parent_id, p.number AS parent_number, \
            p.title AS parent_title, p.region_code AS parent_region FROM tasks t JOIN tasks p ON p.id = t.parent_task_id \
            WHERE t.light = 'red' AND t.light_since IS NOT NULL AND t.light_since <= \(bind: day.iso) \
            AND t.light_since > \(bind: day.adding(days: -catchUpDays).iso) ORDER BY t.light_since, t.id LIMIT \(unsafeRaw: String(limit))
            """).all(decoding: Row.self)
        var out: [NotificationEvent] = []
        for r in rows {
            let units = try await Notifier.units(of: r.parent_id, [.responsible], on: db)
            out.append(NotificationEvent(
                kind: .childBehind, title: "第\(r.parent_number)项 \(r.parent_title):下级任务“\(r.title)”亮红灯",
                body: "下级任务第\(r.number)项自 \(LocalDate(iso: r.light_since ?? "")?.chinese ?? "") 起为红灯。",
                link: SiteURL.task(r.id).path, taskID: r.id, regionCode: r.parent_region,
                dedupe: "childBehind:\(r.id):\(r.light_since ?? "")",
                recipients: try await Notifier.users(ofUnits: units, role: .unit, on: db) + Notifier.users(over: r.parent_region, on: db)))
        }
        return out
    }
}
