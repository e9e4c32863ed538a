import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import RectifyCore

/// What a citizen sends with an objection during 公示 (issue 12 §6).
struct PublicObjectionForm: Content {
    /// Optional here so that a field left empty is told apart as missing, not as a bad form.
    var content: String?
    var contact: String?
    var name: String?
}

/// Objections made online on the public page: recorded for the office as an objection to
/// the notice (so closure waits for its answer, as for one received by letter), with the
/// citizen's name and contact kept apart in `objection_contacts`, which only the office's
/// pages read. The address is kept only as a hash, to limit how many one address may send.
enum PublicObjection {
    /// The login of the user the objections are recorded under: never active, so no one
    /// can sign in as it.
    static let publicLogin = "public:objection"
    static let perHour = 3
    static let perDay = 10

    struct Received: Sendable { let entryID: Int; let taskNumber: Int; let taskTitle: String }

    static func submit(noticeID: Int, _ f: PublicObjectionForm, address: String, clock: AppClock,
                       on db: any Database) async throws -> Received {
        var v: [Violation] = []
        let content = (f.content ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let contact = (f.contact ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let name = (f.name ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if content.isEmpty { v.append(.init("objection.contentRequired", field: "content", "请写明异议内容和理由")) }
        if content.count > 2_000 { v.append(.init("objection.contentTooLong", field: "content", "异议内容不超过 2000 字")) }
        if contact.isEmpty { v.append(.init("objection.contactRequired", field: "contact", "请留下联系电话或电子邮箱,以便答复")) }
        if contact.count > 100 || contact.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            v.append(.init("objection.contactInvalid", field: "contact", "联系方式不超过 100 字,且不含控制字符"))
        }
        if name.count > 50 || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            v.append(.init("objection.nameInvalid", field: "name", "姓名不超过 50 字,且不含控制字符"))
        }
        try v.throwIfAny()
        let publicUser = try await publicUserID(on: db)
        let addressHash = SecretHash.hex("objection|" + address)
        let today = clock.today
        let now = clock.now()
        return try await db.writeTransaction { tx in
            guard let notice = try await TaskEntry.find(noticeID, on: tx), notice.kind == .notice,
                  let task = try await TaskRecord.find(notice.$task.id, on: tx) else { throw AppError.notFound }
            guard task.state == .publicNotice,
                  let start = notice.onDate.flatMap(LocalDate.init(iso:)), let end = notice.untilDate.flatMap(LocalDate.init(iso:)),
                  start <= today, today <= end else {
                throw AppError(status: .conflict, code: "objection.noticeOver", message: "该任务不在公示期内,无法在网上提出异议")
            }
            if let sql = tx as? any SQLDatabase, sql.dialect.name == "postgresql" {
                // Objections from one address queue here, so parallel posts cannot pass the limit together.
                try await sql.raw("SELECT pg_advisory_xact_lock(7420002, \(bind: Int32(bitPattern: UInt32(addressHash.prefix(8), radix: 16) ?? 0)))").run()
            }
            let hour = try await ObjectionContact.query(on: tx).filter(\.$address == addressHash)
                .filter(\.$createdAt > now.addingTimeInterval(-3_600)).count()
            let day = try await ObjectionContact.query(on: tx).filter(\.$address == addressHash)
                .filter(\.$createdAt > now.addingTimeInterval(-86_400)).count()
            if hour >= perHour || day >= perDay {
                throw AppError(status: .tooManyRequests, code: "objection.tooMany",
                               message: "同一网络地址提交过于频繁,请稍后再试;也可按公示写明的方式书面反映")
            }
            let entry = TaskEntry(taskID: try task.requireID(), kind: .objection, userID: publicUser, text: content,
                                  onDate: today.iso, parentID: noticeID, now: now)
            try await entry.create(on: tx)
            let c = ObjectionContact()
            c.$entry.id = try entry.requireID()
            c.name = name
            c.contact = contact
            c.address = addressHash
            c.createdAt = now
            try await c.create(on: tx)
            // The trail keeps the objection, not who made it: the contact stays in its table.
            try await Audit.record(on: tx, actor: Audit.Actor(userID: nil, name: "公众(网上提出)"), action: .objectionPublic,
                                   recordType: "task_entry", recordID: try entry.requireID(), taskID: task.id,
                                   before: Optional<String>.none, after: ["content": content, "notice": String(noticeID)], now: now)
            try await Notifier.emit(NotificationEvent(
                kind: .objectionReceived, title: "\(Notifier.taskLine(task)):公示期间收到网上异议",
                body: String(content.prefix(200)), link: SiteURL.task(try task.requireID()).path, taskID: task.id,
                regionCode: task.regionCode, dedupe: "objectionReceived:\(try entry.requireID())",
                recipients: try await Notifier.users(over: task.regionCode, on: tx)), on: tx, now: now)
            return Received(entryID: try entry.requireID(), taskNumber: task.number, taskTitle: task.title)
        }
    }

    /// The user objections made online are recorded under, made on first use.
    static func publicUserID(on db: any Database) async throws -> Int {
        if let id = try await User.query(on: db).filter(\.$login == publicLogin).first()?.id { return id }
        let user = User(displayName: "公众(网上提出)", login: publicLogin, passwordHash: "!", unitID: nil, roles: [])
        user.active = false
        do {
            try await db.writeTransaction { tx in
                try await user.create(on: tx)
                try await Audit.record(on: tx, actor: Audit.Actor(userID: nil, name: "系统"), action: .userCreate, recordType: "user",
                                       recordID: try user.requireID(), taskID: nil, before: Optional<String>.none,
                                       after: ["login": publicLogin, "active": "false"], now: Date())
            }
        } catch {
            // Made at the same moment by another request: use theirs.
            guard let id = try await User.query(on: db).filter(\.$login == publicLogin).first()?.id else { throw error }
            return id
        }
        return try user.requireID()
    }
}

/// Who made an online objection: for the office only, never on a public page or in the trail.
final class ObjectionContact: Model, @unchecked Sendable {
    static let schema = "objection_contacts"

    @ID(custom: .id) var id: Int?
    @Parent(key: "entry_id") var entry: TaskEntry
    @Field(key: "name") var name: String
    @Field(key: "contact") var contact: String
    @Field(key: "address") var address: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
