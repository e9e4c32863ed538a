import Fluent
import Foundation
import SQLKit
import Vapor
import RectifyCore

/// One line of a user's inbox.
final class UserNotification: Model, @unchecked Sendable {
    static let schema = "notifications"

    @ID(custom: .id) var id: Int?
    @Parent(key: "user_id") var user: User
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @Field(key: "link") var link: String
    @OptionalField(key: "task_id") var taskID: Int?
    @Field(key: "dedupe_key") var dedupeKey: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "read_at") var readAt: Date?

    init() {}
}

/// The signed-in user's inbox: only ever their own notifications.
enum Inbox {
    struct Item: Content {
        let id: Int
        let kind: String
        let kindLabel: String
        let title: String
        let body: String
        let link: String
        let taskID: Int?
        let createdAt: Date
        let read: Bool
    }

    static func item(_ n: UserNotification) -> Item {
        Item(id: n.id ?? 0, kind: n.kind, kindLabel: NotificationKind(rawValue: n.kind)?.label ?? n.kind, title: n.title,
             body: n.body, link: n.link, taskID: n.taskID, createdAt: n.createdAt, read: n.readAt != nil)
    }

    static func query(_ access: Access, unreadOnly: Bool, on db: any Database) -> QueryBuilder<UserNotification> {
        var q = UserNotification.query(on: db).filter(\.$user.$id == access.userID)
        if unreadOnly { q = q.filter(\.$readAt == nil) }
        return q.sort(\.$id, .descending)
    }

    static func unread(_ userID: Int, on db: any Database) async throws -> Int {
        try await UserNotification.query(on: db).filter(\.$user.$id == userID).filter(\.$readAt == nil).count()
    }

    /// Marks one notification (or, with nil, all) of this user read; answers how many changed.
    @discardableResult
    static func markRead(_ id: Int?, access: Access, clock: AppClock, on db: any Database) async throws -> Int {
        try await db.writeTransaction { tx in
            var q = UserNotification.query(on: tx).filter(\.$user.$id == access.userID).filter(\.$readAt == nil)
            if let id {
                // Another user's notification is not found, as if it did not exist.
                guard let n = try await UserNotification.find(id, on: tx), n.$user.id == access.userID else { throw AppError.notFound }
                q = q.filter(\.$id == id)
            }
            let ids = try await q.all(\.$id)
            guard !ids.isEmpty else { return 0 }
            try await UserNotification.query(on: tx).filter(\.$id ~~ ids).set(\.$readAt, to: clock.now()).update()
            try await Audit.record(on: tx, actor: access.auditActor, action: .notificationRead, recordType: "notification",
                                   recordID: id ?? 0, taskID: nil, before: Optional<String>.none,
                                   after: ["count": ids.count], now: clock.now())
            return ids.count
        }
    }
}

enum NotificationAPI {
    static func list(req: Request) async throws -> Paged<Inbox.Item> {
        let access = try await req.access()
        let unread: Bool
        switch (try? req.query.get(String.self, at: "unread")) ?? "" {
        case "", "false", "0": unread = false
        case "true", "1": unread = true
        default: throw AppError(status: .badRequest, code: "badQuery", message: "参数 unread 应为 true 或 false")
        }
        return try await Inbox.query(access, unreadOnly: unread, on: req.db).paged(req, Inbox.item)
    }

    struct Count: Content { let unread: Int }

    static func count(req: Request) async throws -> Count {
        Count(unread: try await Inbox.unread(try await req.access().userID, on: req.db))
    }

    static func read(req: Request) async throws -> HTTPStatus {
        try await Inbox.markRead(try req.intParameter("id"), access: try await req.access(), clock: req.application.clock, on: req.db)
        return .noContent
    }

    static func readAll(req: Request) async throws -> Count {
        let access = try await req.access()
        try await Inbox.markRead(nil, access: access, clock: req.application.clock, on: req.db)
        return Count(unread: try await Inbox.unread(access.userID, on: req.db))
    }
}

enum ChannelAPI {
    struct ChannelOut: Content {
        let id: Int
        let regionCode: Int
        let kind: ChannelKind
        let name: String
        /// Keys, tokens and passwords shown as ***.
        let target: String
        let sender: String
        let recipients: [String]
        let events: [NotificationKind]
        let active: Bool
    }

    static func out(_ c: NotificationChannel) -> ChannelOut {
        ChannelOut(id: c.id ?? 0, regionCode: c.$region.id, kind: c.kind, name: c.name, target: c.shownTarget, sender: c.sender,
                   recipients: EmailAddress.list(c.recipients), events: NotificationKind.allCases.filter(c.events.contains),
                   active: c.active)
    }

    static func scoped(_ access: Access, on db: any Database) throws -> QueryBuilder<NotificationChannel> {
        guard access.isAdmin || access.roles.contains(.office) || access.roles.contains(.leader) else {
            throw AppError(status: .forbidden, code: "channel.forbidden", message: "只有整改办可以查看推送渠道")
        }
        var q = NotificationChannel.query(on: db)
        if !access.isAdmin {
            guard let range = access.oversight else { throw AppError.forbidden }
            q = q.filter(\.$region.$id >= range.lowerBound).filter(\.$region.$id <= range.upperBound)
        }
        return q.sort(\.$id)
    }

    static func list(req: Request) async throws -> Paged<ChannelOut> {
        try await scoped(try await req.access(), on: req.db).paged(req, out)
    }

    static func create(req: Request) async throws -> Response {
        let body = try req.decodeBody(ChannelService.NewChannel.self)
        let c = try await ChannelService.create(body, access: try await req.access(), clock: req.application.clock, on: req.db)
        return try await out(c).encodeResponse(status: .created, for: req)
    }

    static func setActive(req: Request) async throws -> ChannelOut {
        let body = try req.decodeBody(ChannelService.Switch.self)
        return out(try await ChannelService.setActive(try req.intParameter("id"), body.active, access: try await req.access(),
                                                      clock: req.application.clock, on: req.db))
    }

    struct DeliveryOut: Content {
        let id: Int
        let kind: String
        let title: String
        let state: DeliveryState
        let attempts: Int
        let lastError: String
        let createdAt: Date
        let sentAt: Date?
        let nextAttemptAt: Date
    }

    static func deliveryOut(_ d: Delivery) -> DeliveryOut {
        DeliveryOut(id: d.id ?? 0, kind: d.kind, title: d.title, state: d.state, attempts: d.attempts, lastError: d.lastError,
                    createdAt: d.createdAt, sentAt: d.sentAt, nextAttemptAt: d.nextAttemptAt)
    }

    /// A channel's messages, newest first, each with its attempts and last error.
    static func deliveries(req: Request) async throws -> Paged<DeliveryOut> {
        let access = try await req.access()
        guard let c = try await NotificationChannel.find(try req.intParameter("id"), on: req.db),
              ChannelService.canRead(c, access) else { throw AppError.notFound }
        return try await Delivery.query(on: req.db).filter(\.$channel.$id == c.requireID()).sort(\.$id, .descending).paged(req, deliveryOut)
    }
}

enum SchedulerAPI {
    struct RunOut: Content {
        let id: Int
        let job: String
        let jobLabel: String
        let day: String
        let state: SchedulerRunState
        let holder: String
        let attempts: Int
        let startedAt: Date
        let finishedAt: Date?
        let detail: String
    }

    static func out(_ r: SchedulerRun) -> RunOut {
        RunOut(id: r.id ?? 0, job: r.job, jobLabel: SchedulerJob(rawValue: r.job)?.label ?? r.job, day: r.day, state: r.state,
               holder: r.holder, attempts: r.attempts, startedAt: r.startedAt, finishedAt: r.finishedAt, detail: r.detail)
    }

    /// The scheduler's runs, newest first: for the admin.
    static func runs(req: Request) async throws -> Paged<RunOut> {
        guard try await req.access().isAdmin else { throw AppError.forbidden }
        return try await SchedulerRun.query(on: req.db).sort(\.$startedAt, .descending).sort(\.$id, .descending).paged(req, out)
    }
}
