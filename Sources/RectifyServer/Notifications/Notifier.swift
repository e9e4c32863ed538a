import Fluent
import Foundation
import SQLKit
import Vapor
import RectifyCore

/// What a notification is about (issue 12 §3). An office's channels subscribe to kinds.
enum NotificationKind: String, Labelled {
    case taskAssigned, claimOverdue, reportDue, reportOverdue, reportReturned, orderReceived, orderOverdue
    case acceptanceRequested, objectionReceived, deadlineNear, deadlinePassed, extensionDecided, escalation, childBehind
    case petitionAssigned, petitionRepeat

    var label: String {
        switch self {
        case .taskAssigned: "任务交办"
        case .claimOverdue: "逾期未认领"
        case .reportDue: "报送将到期"
        case .reportOverdue: "报送已逾期"
        case .reportReturned: "报送被退回"
        case .orderReceived: "收到督办单"
        case .orderOverdue: "督办单逾期未答复"
        case .acceptanceRequested: "申请验收"
        case .objectionReceived: "收到公示异议"
        case .deadlineNear: "整改时限将到"
        case .deadlinePassed: "已超过整改时限"
        case .extensionDecided: "延期申请已审批"
        case .escalation: "建议督办"
        case .childBehind: "下级任务滞后"
        case .petitionAssigned: "交办信访举报件"
        case .petitionRepeat: "重复举报"
        }
    }
}

/// One event: who hears of it in their inbox, and which region's channels may carry it.
struct NotificationEvent: Sendable {
    let kind: NotificationKind
    let title: String
    let body: String
    /// A path on this site (the task, the order, the round).
    let link: String
    let taskID: Int?
    /// The region the event belongs to: channels of offices over it may carry it.
    let regionCode: Int?
    /// Makes the event one: emitting it again adds nothing (a job run twice, a retry).
    let dedupe: String
    let recipients: [Int]
}

/// Writes notifications into inboxes and the outbound queue, inside the caller's
/// transaction: the event is committed with the change that caused it, or not at all,
/// and sending happens later in the background (`Deliverer`), never in the request.
enum Notifier {
    /// Longest title and body kept: what a robot message or an inbox line can hold.
    static let maxTitle = 200
    static let maxBody = 2_000

    /// Answers how many inbox lines it added (none when the event was already there).
    @discardableResult
    static func emit(_ e: NotificationEvent, on db: any Database, now: Date) async throws -> Int {
        guard let sql = db as? any SQLDatabase else { return 0 }
        struct Added: Decodable { let id: Int }
        var added = 0
        let title = String(e.title.prefix(maxTitle))
        let body = String(e.body.prefix(maxBody))
        for user in Set(e.recipients).sorted() {
            added += try await sql.raw("""
                INSERT INTO notifications (user_id, kind, title, body, link, task_id, dedupe_key, created_at) \
                VALUES (\(bind: user), \(bind: e.kind.rawValue), \(bind: title), \(bind: body), \(bind: e.link), \
                \(bind: e.taskID), \(bind: e.dedupe), \(bind: now)) ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING id
                """).all(decoding: Added.self).count > 0 ? 1 : 0
        }
        guard let region = e.regionCode else { return added }
        for channel in try await channels(over: region, on: sql) where channel.events.contains(e.kind) {
            try await sql.raw("""
                INSERT INTO deliveries (channel_id, kind, title, body, link, dedupe_key, state, attempts, next_attempt_at, last_error, created_at) \
                VALUES (\(bind: channel.id), \(bind: e.kind.rawValue), \(bind: title), \(bind: body), \(bind: e.link), \(bind: e.dedupe), \
                \(bind: DeliveryState.pending.rawValue), 0, \(bind: now), '', \(bind: now)) ON CONFLICT (channel_id, dedupe_key) DO NOTHING
                """).run()
        }
        return added
    }

    /// The active channels of every office over `region` (its own, its city's, its province's).
    static func channels(over region: Int, on sql: any SQLDatabase) async throws -> [(id: Int, events: Set<NotificationKind>)] {
        let candidates = Array(Set([region, region / 100 * 100, region / 10_000 * 10_000]))
        struct Row: Decodable { let id: Int; let events: String; let region_code: Int }
        return try await sql.raw("""
            SELECT id, events, region_code FROM notification_channels WHERE active = \(bind: true) \
            AND region_code IN (\(binds: candidates))
            """).all(decoding: Row.self)
            .filter { Access.subtree(of: $0.region_code).contains(region) }
            .map { ($0.id, NotificationChannel.decode(events: $0.events)) }
    }

    // MARK: - Recipients

    private struct UserRow: Decodable { let id: Int; let roles: String; let unit_id: Int?; let region_code: Int? }

    /// The active users of these units who hold `role` there.
    static func users(ofUnits units: [Int], role: Role, on db: any Database) async throws -> [Int] {
        guard !units.isEmpty, let sql = db as? any SQLDatabase else { return [] }
        return try await sql.raw("""
            SELECT u.id, u.roles, u.unit_id, NULL AS region_code FROM users u \
            WHERE u.active = \(bind: true) AND u.unit_id IN (\(binds: Array(Set(units)).sorted()))
            """).all(decoding: UserRow.self)
            .filter { $0.roles.split(separator: ",").contains(Substring(role.rawValue)) }.map(\.id)
    }

    /// The active office users (or leaders) whose region is `region` or above it.
    static func users(over region: Int?, role: Role = .office, on db: any Database) async throws -> [Int] {
        guard let region, let sql = db as? any SQLDatabase else { return [] }
        let candidates = Array(Set([region, region / 100 * 100, region / 10_000 * 10_000])).sorted()
        return try await sql.raw("""
            SELECT u.id, u.roles, u.unit_id, n.region_code FROM users u JOIN units n ON n.id = u.unit_id \
            WHERE u.active = \(bind: true) AND n.region_code IN (\(binds: candidates))
            """).all(decoding: UserRow.self)
            .filter { row in
                row.roles.split(separator: ",").contains(Substring(role.rawValue))
                    && row.region_code.map { Access.subtree(of: $0).contains(region) } == true
            }.map(\.id)
    }

    /// The units holding `roles` on a task.
    static func units(of taskID: Int, _ roles: [UnitRole], on db: any Database) async throws -> [Int] {
        try await TaskUnit.query(on: db).filter(\.$task.$id == taskID).filter(\.$role ~~ roles.map(\.rawValue)).all().map(\.$unit.id)
    }

    static func taskLine(_ task: TaskRecord) -> String { "第\(task.displayCode)项 \(task.title)" }
}
