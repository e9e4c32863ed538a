import Fluent
import Foundation
import SQLKit
import Vapor
import RectifyCore

/// The day's reminders (issue 12 §2–3), made by the scheduler once a day: deadlines near
/// and just passed, claims overdue, round reports due soon or overdue, orders unanswered
/// past their date, tasks red long enough to escalate, and a split-down task (a city's
/// part of a province's task) that turned red, for the office over the task above it. Every reminder has a key that
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
    /// Candidates are read this many at a time.
    static let limit = 1_000

    /// Makes the reminders of `day`; answers how many inbox lines were new (an event
    /// already sent on an earlier run of the window adds none and is not counted).
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
        var added = 0
        while index < events.count {
            let batch = Array(events[index..<min(index + 100, events.count)])
            added += try await app.db.writeTransaction { tx in
                var new = 0
                for e in batch { new += try await Notifier.emit(e, on: tx, now: now) }
                // Audited when something was added: the trail says what was issued, not what was tried.
                if new > 0 {
                    try await Audit.record(on: tx, actor: Audit.Actor(userID: nil, name: "系统(定时任务)"), action: .remindersIssued,
                                           recordType: "scheduler_run", recordID: 0, taskID: nil, before: Optional<String>.none,
                                           after: ["day": day.iso, "notifications": String(new)], now: now)
                }
                return new
            }
            index += batch.count
        }
        if added > 0 { app.deliverer.kick(app) }
        return added
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
        let near = try await all(sql) { after in """
            SELECT \(unsafeRaw: taskColumns) FROM tasks t WHERE t.state IN (\(binds: open)) \
            AND t.deadline >= \(bind: day.iso) AND t.deadline <= \(bind: day.adding(days: nearDays).iso) AND t.id > \(bind: after)
            """ }
        let passed = try await all(sql) { after in """
            SELECT \(unsafeRaw: taskColumns) FROM tasks t WHERE t.state IN (\(binds: open)) \
            AND t.deadline >= \(bind: day.adding(days: -catchUpDays).iso) AND t.deadline < \(bind: day.iso) AND t.id > \(bind: after)
            """ }
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

    /// Every threshold (days) some office uses for `column`, and the default: a task can be
    /// due today only if its date lies in one of their windows.
    static func windows(_ sql: any SQLDatabase, column: String, default value: Int, day: LocalDate,
                        on field: String) async throws -> SQLQueryString {
        struct K: Decodable { let k: Int }
        let used = try await sql.raw("SELECT DISTINCT \(ident: column) AS k FROM office_settings").all(decoding: K.self).map(\.k)
        let ranges = Set(used + [value]).filter { (0...3_650).contains($0) }.sorted().map { k -> SQLQueryString in
            "\(ident: "t").\(ident: field) BETWEEN \(bind: day.adding(days: -(k + catchUpDays - 1)).iso) AND \(bind: day.adding(days: -k).iso)"
        }
        return "(\(ranges.joined(separator: " OR ")))"
    }

    /// All rows of a candidate query, a thousand at a time by id (a large ledger's day can
    /// have more than one page of them; none is dropped).
    private static func all(_ sql: any SQLDatabase, _ query: (Int) -> SQLQueryString) async throws -> [TaskRow] {
        var rows: [TaskRow] = []
        var after = 0
        for _ in 0..<1_000 {
            let page = try await sql.raw("\(query(after)) ORDER BY t.id LIMIT \(unsafeRaw: String(limit))").all(decoding: TaskRow.self)
            rows += page
            guard page.count == limit, let last = page.last?.id else { break }
            after = last
        }
        return rows
    }

    static func claims(_ sql: any SQLDatabase, _ db: any Database, day: LocalDate) async throws -> [NotificationEvent] {
        let window = try await windows(sql, column: "unclaimed_days", default: ScheduleSettings().unclaimedDays, day: day, on: "assigned_on")
        let rows = try await all(sql) { after in """
            SELECT \(unsafeRaw: taskColumns) FROM tasks t WHERE t.state = \(bind: TaskState.assigned.rawValue) \
            AND t.assigned_on IS NOT NULL AND \(window) AND t.id > \(bind: after)
            """ }
        var settings = SettingsCache()
        var out: [NotificationEvent] = []
        for t in rows {
            guard let assigned = t.assigned_on.flatMap(LocalDate.init(iso:)) else { continue }
            let s = try await settings.of(t.region_code, on: db)
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
                AND t.region_code BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound) AND \(RoundService.ownLevel(range)) \
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
        let window = try await windows(sql, column: "red_days_before_order", default: ScheduleSettings().redDaysBeforeOrder,
                                       day: day, on: "light_since")
        let rows = try await all(sql) { after in """
            SELECT \(unsafeRaw: taskColumns) FROM tasks t WHERE t.light = 'red' AND t.light_since IS NOT NULL AND \(window) \
            AND t.id NOT IN (SELECT ot.task_id FROM supervision_order_tasks ot \
            JOIN supervision_orders o ON o.id = ot.order_id WHERE o.closed_at IS NULL) AND t.id > \(bind: after)
            """ }
        var settings = SettingsCache()
        var out: [NotificationEvent] = []
        for t in rows {
            guard let since = t.light_since.flatMap(LocalDate.init(iso:)) else { continue }
            let s = try await settings.of(t.region_code, on: db)
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
            let code: String?; let parent_code: String?
        }
        let rows = try await sql.raw("""
            SELECT t.id, t.number, t.code, t.title, t.region_code, t.light_since, p.id AS parent_id, p.number AS parent_number, p.code AS parent_code, \
            p.title AS parent_title, p.region_code AS parent_region FROM tasks t JOIN tasks p ON p.id = t.parent_task_id \
            WHERE t.light = 'red' AND t.light_since IS NOT NULL AND t.light_since <= \(bind: day.iso) \
            AND t.light_since > \(bind: day.adding(days: -catchUpDays).iso) ORDER BY t.light_since, t.id LIMIT \(unsafeRaw: String(limit))
            """).all(decoding: Row.self)
        var out: [NotificationEvent] = []
        for r in rows {
            out.append(NotificationEvent(
                kind: .childBehind, title: "第\(r.parent_code ?? String(r.parent_number))项 \(r.parent_title):下级任务“\(r.title)”亮红灯",
                body: "下级任务第\(r.code ?? String(r.number))项自 \(LocalDate(iso: r.light_since ?? "")?.chinese ?? "") 起为红灯。",
                link: SiteURL.task(r.id).path, taskID: r.id, regionCode: r.parent_region,
                dedupe: "childBehind:\(r.id):\(r.light_since ?? "")",
                // The office over the task above: the units of that task may not read the one below.
                recipients: try await Notifier.users(over: r.parent_region, on: db)))
        }
        return out
    }

    /// Each office's settings, read once per run.
    struct SettingsCache {
        private var known: [Int: ScheduleSettings] = [:]

        mutating func of(_ region: Int?, on db: any Database) async throws -> ScheduleSettings {
            if let s = known[region ?? 0] { return s }
            let s = try await OfficeSettings.effective(for: region, on: db)
            known[region ?? 0] = s
            return s
        }
    }
}
