import Fluent
import Foundation
import Vapor
import RectifyCore

/// An office's outbound channel (issue 12 §3): a group robot of 企业微信 or 钉钉 (JSON POST
/// to its webhook), or e-mail over SMTP. It carries the kinds of events it subscribes to,
/// for tasks of the office's region and below.
final class NotificationChannel: Model, @unchecked Sendable {
    static let schema = "notification_channels"

    @ID(custom: .id) var id: Int?
    @Parent(key: "region_code") var region: Region
    @Field(key: "kind") var kind: ChannelKind
    @Field(key: "name") var name: String
    @Field(key: "target") var target: String
    @Field(key: "secret") var secret: String
    @Field(key: "sender") var sender: String
    @Field(key: "recipients") var recipients: String
    @Field(key: "events") var eventsText: String
    @Field(key: "active") var active: Bool
    @Parent(key: "created_by") var createdBy: User
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var events: Set<NotificationKind> { Self.decode(events: eventsText) }

    static func decode(events: String) -> Set<NotificationKind> {
        Set(events.split(separator: ",").compactMap { NotificationKind(rawValue: String($0)) })
    }

    static func encode(_ events: Set<NotificationKind>) -> String {
        NotificationKind.allCases.filter(events.contains).map(\.rawValue).joined(separator: ",")
    }

    /// The target as it may be shown: a webhook's key and token, and an SMTP password, hidden.
    var shownTarget: String { Self.masked(target) }

    static func masked(_ target: String) -> String {
        guard var c = URLComponents(string: target) else { return "***" }
        if c.password != nil { c.password = "***" }
        c.queryItems = c.queryItems?.map { URLQueryItem(name: $0.name, value: ($0.value ?? "").isEmpty ? $0.value : "***") }
        return c.string ?? "***"
    }
}

enum ChannelKind: String, Labelled {
    case wecom, dingtalk, smtp
    var label: String {
        switch self {
        case .wecom: "企业微信群机器人"
        case .dingtalk: "钉钉群机器人"
        case .smtp: "电子邮件(SMTP)"
        }
    }
}

enum DeliveryState: String, Labelled {
    case pending, sent, failed
    var label: String {
        switch self {
        case .pending: "待发送"
        case .sent: "已发送"
        case .failed: "发送失败"
        }
    }
}

/// One message on one channel, with every attempt's outcome.
final class Delivery: Model, @unchecked Sendable {
    static let schema = "deliveries"

    @ID(custom: .id) var id: Int?
    @Parent(key: "channel_id") var channel: NotificationChannel
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @Field(key: "link") var link: String
    @Field(key: "dedupe_key") var dedupeKey: String
    @Field(key: "state") var state: DeliveryState
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "claimed_until") var claimedUntil: Date?
    @Field(key: "last_error") var lastError: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?

    init() {}
}

/// Creating and switching channels: the office of a region, or the admin.
enum ChannelService {
    struct NewChannel: Content {
        var kind: ChannelKind
        var name: String
        /// Webhook: its URL. SMTP: smtp://[login@]host[:port], or smtps:// for TLS from the start.
        var target: String
        /// 钉钉 加签 secret, or the SMTP login's password.
        var secret: String?
        /// SMTP: the sender's address.
        var sender: String?
        /// SMTP: the recipients' addresses, separated by commas.
        var recipients: String?
        /// The kinds of events to carry; all when absent.
        var events: [NotificationKind]?
        /// The office's region; the user's own when absent.
        var regionCode: Int?
    }

    struct Switch: Content { var active: Bool }

    static func validate(_ n: NewChannel) -> [Violation] {
        var v: [Violation] = []
        let name = n.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.count > 100 { v.append(.init("channel.name", field: "name", "请填写渠道名称(不超过 100 字)")) }
        let target = n.target.trimmingCharacters(in: .whitespaces)
        let url = URLComponents(string: target)
        switch n.kind {
        case .wecom, .dingtalk:
            if target.count > 1_000 || !(url?.scheme == "https" || url?.scheme == "http") || (url?.host ?? "").isEmpty {
                v.append(.init("channel.webhook", field: "target", "机器人地址应为 http(s):// 开头的 Webhook 地址"))
            }
        case .smtp:
            if target.count > 500 || !(url?.scheme == "smtp" || url?.scheme == "smtps") || (url?.host ?? "").isEmpty
                || !(1...65535).contains(url?.port ?? 25) {
                v.append(.init("channel.smtp", field: "target", "邮件服务器应形如 smtp://主机:25(内部中继,不登录)或 smtps://登录名@主机:465"))
            }
            // A password goes only over TLS: smtp:// has no STARTTLS here.
            if url?.scheme == "smtp", !(url?.user ?? "").isEmpty {
                v.append(.init("channel.smtpCleartext", field: "target", "需要登录的邮件服务器请用 smtps://(TLS),以免密码明文传输"))
            }
            if !EmailAddress.isValid(n.sender ?? "") {
                v.append(.init("channel.sender", field: "sender", "请填写有效的发件人地址"))
            }
            let to = EmailAddress.list(n.recipients ?? "")
            if to.isEmpty || to.count > 50 || !to.allSatisfy(EmailAddress.isValid) {
                v.append(.init("channel.recipients", field: "recipients", "请填写 1 至 50 个有效的收件人地址,用逗号分隔"))
            }
        }
        if (n.secret ?? "").count > 500 || (n.secret ?? "").contains(where: \.isNewline) {
            v.append(.init("channel.secret", field: "secret", "密钥过长或含换行"))
        }
        if n.events?.isEmpty == true { v.append(.init("channel.events", field: "events", "请至少选择一种事件")) }
        return v
    }

    static func create(_ n: NewChannel, access: Access, clock: AppClock, on db: any Database) async throws -> NotificationChannel {
        guard access.roles.contains(.office) || access.isAdmin else {
            throw AppError(status: .forbidden, code: "channel.forbidden", message: "只有整改办可以设置推送渠道")
        }
        guard let region = n.regionCode ?? access.regionCode else {
            throw ValidationFailure([.init("channel.region", field: "regionCode", "请指定渠道所属地区")])
        }
        guard access.isAdmin || access.oversight?.contains(region) == true else {
            throw AppError(status: .forbidden, code: "channel.forbidden", message: "只能为本地区设置推送渠道")
        }
        let problems = validate(n)
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return try await db.writeTransaction { tx in
            guard try await Region.find(region, on: tx) != nil else {
                throw ValidationFailure([.init("channel.region", field: "regionCode", "没有这个地区")])
            }
            let c = NotificationChannel()
            c.$region.id = region
            c.kind = n.kind
            c.name = n.name.trimmingCharacters(in: .whitespacesAndNewlines)
            c.target = n.target.trimmingCharacters(in: .whitespaces)
            c.secret = n.secret ?? ""
            c.sender = n.kind == .smtp ? (n.sender ?? "") : ""
            c.recipients = n.kind == .smtp ? EmailAddress.list(n.recipients ?? "").joined(separator: ",") : ""
            c.eventsText = NotificationChannel.encode(Set(n.events ?? NotificationKind.allCases))
            c.active = true
            c.$createdBy.id = access.userID
            c.createdAt = clock.now()
            try await c.create(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .channelCreate, recordType: "notification_channel",
                                   recordID: try c.requireID(), taskID: nil, before: Optional<String>.none,
                                   after: ChannelSnapshot(c), now: clock.now())
            return c
        }
    }

    static func setActive(_ id: Int, _ active: Bool, access: Access, clock: AppClock, on db: any Database) async throws -> NotificationChannel {
        try await db.writeTransaction { tx in
            guard let c = try await NotificationChannel.find(id, on: tx), canRead(c, access) else { throw AppError.notFound }
            guard access.roles.contains(.office) || access.isAdmin else {
                throw AppError(status: .forbidden, code: "channel.forbidden", message: "只有整改办可以设置推送渠道")
            }
            let before = ChannelSnapshot(c)
            c.active = active
            try await c.save(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .channelSwitch, recordType: "notification_channel",
                                   recordID: id, taskID: nil, before: before, after: ChannelSnapshot(c), now: clock.now())
            return c
        }
    }

    /// Office users and leaders see the channels of their region and below; the admin all.
    static func canRead(_ c: NotificationChannel, _ access: Access) -> Bool {
        access.isAdmin || ((access.roles.contains(.office) || access.roles.contains(.leader))
            && access.oversight?.contains(c.$region.id) == true)
    }

    /// What the audit trail keeps of a channel: never its secret.
    struct ChannelSnapshot: Encodable {
        let kind: String, name: String, target: String, recipients: String, events: String, active: Bool
        init(_ c: NotificationChannel) {
            kind = c.kind.rawValue
            name = c.name
            target = c.shownTarget
            recipients = c.recipients
            events = c.eventsText
            active = c.active
        }
    }
}

/// E-mail addresses as the channels take them: no spaces, no control characters, no
/// angle brackets, one @ with something either side (enough to keep headers whole).
enum EmailAddress {
    static func isValid(_ s: String) -> Bool {
        guard s.count <= 254, !s.isEmpty else { return false }
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return s.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F && !"<>,;:\"()[]\\".unicodeScalars.contains($0) }
    }

    static func list(_ s: String) -> [String] {
        s.split(whereSeparator: { $0 == "," || $0 == "," || $0 == ";" || $0 == "\n" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
