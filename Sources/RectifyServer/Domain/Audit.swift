import Fluent
import SQLKit
import Vapor

/// 留痕 (issue 3 §10). Every change is appended as an event carrying who, when, which
/// record, before and after, and the SHA-256 of all that together with the previous
/// event's hash, so editing or deleting any event breaks every hash after it.
enum Audit {
    static let genesis = String(repeating: "0", count: 64)

    /// Who did it, as the event records them.
    struct Actor: Sendable {
        let userID: Int?
        let name: String
        init(userID: Int?, name: String) {
            self.userID = userID
            self.name = name
        }
        init(_ user: User) {
            self.init(userID: user.id, name: "\(user.displayName)(\(user.login))")
        }
    }

    static func json<T: Encodable>(_ value: T?) -> String? {
        guard let value else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }

    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }

    /// The hash of an event: its fields, in a fixed order, with the previous hash.
    static func hash(prev: String, at: String, userID: Int?, userName: String, action: String,
                     recordType: String, recordID: Int, taskID: Int?, before: String?, after: String?) -> String {
        let fields = [prev, at, userID.map(String.init) ?? "", userName, action, recordType, String(recordID),
                      taskID.map(String.init) ?? "", before ?? "\u{0}", after ?? "\u{0}"]
        let digest = SHA256.hash(data: Data(fields.joined(separator: "\u{1F}").utf8))
        return Hex.string(digest)
    }

    /// Appends one event. Call inside the transaction that makes the change, so the
    /// change and its event are written together or not at all.
    @discardableResult
    static func record<B: Encodable, A: Encodable>(on db: any Database, actor: Actor, action: AuditAction,
                                                   recordType: String, recordID: Int, taskID: Int?,
                                                   before: B?, after: A?, now: Date = Date()) async throws -> AuditEvent {
        if let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" {
            // Serialise appends so concurrent writers queue instead of colliding on prev_hash.
            try await sql.raw("SELECT pg_advisory_xact_lock(7420001)").run()
        }
        let last = try await AuditEvent.query(on: db).sort(\.$id, .descending).first()
        let event = AuditEvent()
        event.at = timestamp(now)
        event.userID = actor.userID
        event.userName = actor.name
        event.action = action.rawValue
        event.recordType = recordType
        event.recordID = recordID
        event.taskID = taskID
        event.beforeJSON = json(before)
        event.afterJSON = json(after)
        event.prevHash = last?.hash ?? genesis
        event.hash = hash(prev: event.prevHash, at: event.at, userID: event.userID, userName: event.userName,
                          action: action.rawValue, recordType: recordType, recordID: recordID, taskID: taskID,
                          before: event.beforeJSON, after: event.afterJSON)
        try await event.create(on: db)
        return event
    }

    struct Verification: Sendable {
        let checked: Int
        /// The first event whose hash or link does not hold, and why.
        let firstBroken: (id: Int, reason: String)?
    }

    /// Recomputes the whole chain, in pages, and names the first broken link.
    static func verify(on db: any Database, pageSize: Int = 5_000) async throws -> Verification {
        var prev = genesis
        var checked = 0
        var afterID = 0
        while true {
            let page = try await AuditEvent.query(on: db).filter(\.$id > afterID).sort(\.$id).limit(pageSize).all()
            if page.isEmpty { break }
            for e in page {
                let id = e.id!
                if e.prevHash != prev {
                    return Verification(checked: checked, firstBroken: (id, "链接断开:记录的上一环哈希与实际不符(上一事件被改动、删除或插入)"))
                }
                let expected = hash(prev: e.prevHash, at: e.at, userID: e.userID, userName: e.userName, action: e.action,
                                    recordType: e.recordType, recordID: e.recordID, taskID: e.taskID,
                                    before: e.beforeJSON, after: e.afterJSON)
                if expected != e.hash {
                    return Verification(checked: checked, firstBroken: (id, "内容被改动:重新计算的哈希与记录不符"))
                }
                prev = e.hash
                checked += 1
                afterID = id
            }
        }
        return Verification(checked: checked, firstBroken: nil)
    }
}
