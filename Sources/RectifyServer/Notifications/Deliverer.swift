import Crypto
import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import Vapor

/// Sends the outbound queue (`deliveries`) in the background: woken after a write that
/// queued something and every few seconds, it claims each due message in the database
/// (so two instances never send one twice), sends it, and records the outcome. A
/// failure is retried with the wait doubling from `AppConfig.deliveryRetrySeconds` up to
/// an hour; after `maxAttempts` the message stays failed, with its last error shown to
/// the office.
final class Deliverer: Sendable {
    static let maxAttempts = 8
    /// Group robots take about 20 messages a minute: a channel sends at most this many per minute.
    static let perMinute = 18
    /// How long a claimed message is this instance's to send before another may retry it.
    static let claim: TimeInterval = 120

    private let state = NIOLockedValueBox<(running: Bool, again: Bool)>((false, false))
    /// Set by `startPolling` (the server): writes then wake the queue at once (`DeliveryKickMiddleware`).
    private let polling = NIOLockedValueBox(false)

    var isPolling: Bool { polling.withLockedValue { $0 } }

    /// Starts a drain unless one is running (which then goes round once more).
    func kick(_ app: Application) {
        let start = state.withLockedValue { s -> Bool in
            if s.running { s.again = true; return false }
            s.running = true
            return true
        }
        guard start else { return }
        app.background.run {
            while true {
                await self.sendDue(app)
                let more = self.state.withLockedValue { s -> Bool in
                    if s.again { s.again = false; return true }
                    s.running = false
                    return false
                }
                if !more { break }
            }
        }
        // Shutting down: nothing ran, so nothing is running.
        if app.background.isStopped { state.withLockedValue { $0 = (false, false) } }
    }

    /// Sends everything due now, here; returns when the queue has nothing due.
    func drain(_ app: Application) async {
        await sendDue(app)
    }

    func startPolling(_ app: Application) {
        polling.withLockedValue { $0 = true }
        let task = app.eventLoopGroup.next().scheduleRepeatedTask(initialDelay: .seconds(2), delay: .seconds(5)) { _ in
            self.kick(app)
        }
        app.storage.set(PollKey.self, to: task, onShutdown: { $0.cancel() })
    }

    struct PollKey: StorageKey { typealias Value = RepeatedTask }

    private func sendDue(_ app: Application) async {
        do {
            while !app.background.isStopped, let (delivery, channel) = try await claimNext(app) {
                let outcome: String?
                do {
                    try await send(delivery, on: channel, app)
                    outcome = nil
                } catch {
                    outcome = String(describing: error)
                }
                try await record(delivery, error: outcome, app)
            }
        } catch {
            app.logger.error("outbound queue: \(String(reflecting: error))")
        }
    }

    /// The oldest due message no one holds, now held here; nil when none is due.
    private func claimNext(_ app: Application) async throws -> (Delivery, NotificationChannel)? {
        guard let sql = app.db as? any SQLDatabase else { return nil }
        let now = app.clock.now()
        for _ in 0..<20 {
            struct Row: Decodable { let id: Int }
            // A channel that sent its minute's share waits; the others go on.
            guard let next = try await sql.raw("""
                SELECT d.id FROM deliveries d JOIN notification_channels c ON c.id = d.channel_id \
                WHERE d.state = \(bind: DeliveryState.pending.rawValue) AND d.next_attempt_at <= \(bind: now) \
                AND (d.claimed_until IS NULL OR d.claimed_until < \(bind: now)) AND c.active = \(bind: true) \
                AND (SELECT COUNT(*) FROM deliveries s WHERE s.channel_id = d.channel_id AND s.sent_at IS NOT NULL \
                AND s.sent_at > \(bind: now.addingTimeInterval(-60))) < \(literal: Self.perMinute) \
                ORDER BY d.next_attempt_at, d.id LIMIT 1
                """).first(decoding: Row.self) else { return nil }
            let mine = try await sql.raw("""
                UPDATE deliveries SET claimed_until = \(bind: now.addingTimeInterval(Self.claim)) \
                WHERE id = \(bind: next.id) AND state = \(bind: DeliveryState.pending.rawValue) \
                AND (claimed_until IS NULL OR claimed_until < \(bind: now)) RETURNING id
                """).first(decoding: Row.self)
            guard mine != nil else { continue }   // another instance took it first
            guard let d = try await Delivery.find(next.id, on: app.db),
                  let c = try await NotificationChannel.find(d.$channel.id, on: app.db) else { continue }
            return (d, c)
        }
        return nil
    }

    private func record(_ d: Delivery, error: String?, _ app: Application) async throws {
        let now = app.clock.now()
        d.attempts += 1
        d.claimedUntil = nil
        if let error {
            d.lastError = String(error.prefix(500))
            if d.attempts >= Self.maxAttempts {
                d.state = .failed
                app.logger.warning("delivery \(d.id ?? 0) failed for good after \(d.attempts) attempts: \(error)")
            } else {
                let base = app.rectifyConfig?.deliveryRetrySeconds ?? 30
                let wait = min(base * pow(2, Double(d.attempts - 1)), 3_600)
                d.nextAttemptAt = now.addingTimeInterval(wait)
                // The channel is down: its other waiting messages wait as long, so they do not
                // each spend a timeout on it before other offices' messages go.
                try await Delivery.query(on: app.db).filter(\.$channel.$id == d.$channel.id).filter(\.$state == .pending)
                    .filter(\.$id != d.requireID()).filter(\.$nextAttemptAt < d.nextAttemptAt)
                    .set(\.$nextAttemptAt, to: d.nextAttemptAt).update()
            }
        } else {
            d.state = .sent
            d.sentAt = now
            d.lastError = ""
        }
        try await d.save(on: app.db)
    }

    // MARK: - Sending

    private func send(_ d: Delivery, on c: NotificationChannel, _ app: Application) async throws {
        let link = (app.rectifyConfig?.publicURL ?? "") + d.link
        let text = "【督察整改】\(d.title)\n\(d.body)\n\(link)"
        switch c.kind {
        case .wecom, .dingtalk:
            let url = c.kind == .dingtalk ? Self.signed(c.target, secret: c.secret, now: Date()) : c.target
            var body = JSONWriter()
            body.beginObject()
            body.field("msgtype", "text")
            body.key("text")
            body.beginObject()
            body.field("content", text)
            body.endObject()
            body.endObject()
            let response = try await app.client.post(URI(string: url)) { req in
                req.headers.contentType = .json
                req.body = body.buffer
                req.timeout = .seconds(15)
            }
            guard response.status == .ok else { throw SMTPClient.Failure(description: "机器人答复 HTTP \(response.status.code)") }
            // Both robots answer 200 with {"errcode": 0} on success and a non-zero code otherwise.
            struct Answer: Decodable { let errcode: Int?; let errmsg: String? }
            let answer = try? response.content.decode(Answer.self, as: .json)
            if let code = answer?.errcode, code != 0 {
                throw SMTPClient.Failure(description: "机器人拒绝(errcode \(code) \(answer?.errmsg ?? ""))")
            }
        case .smtp:
            let message = SMTPClient.Message(from: c.sender, to: EmailAddress.list(c.recipients),
                                             subject: "【督察整改】\(d.title)", body: "\(d.body)\n\n\(link)")
            try await SMTPClient.send(message, target: c.target, password: c.secret, on: app.eventLoopGroup)
        }
    }

    /// 钉钉 加签: the webhook with `timestamp` (ms) and `sign` = Base64(HMAC-SHA256(secret,
    /// "timestamp\nsecret")), URL-encoded. Without a secret, the webhook as it is.
    static func signed(_ url: String, secret: String, now: Date) -> String {
        guard !secret.isEmpty else { return url }
        let timestamp = String(Int64(now.timeIntervalSince1970 * 1000))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp)\n\(secret)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        let sign = Data(mac).base64EncodedString()
            .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return url + (url.contains("?") ? "&" : "?") + "timestamp=\(timestamp)&sign=\(sign)"
    }
}

extension Application {
    private struct DelivererKey: StorageKey { typealias Value = Deliverer }

    var deliverer: Deliverer { single(DelivererKey.self, Deliverer.init) }
}

/// After a write that succeeded, wakes the outbound queue, so what the write queued goes
/// out at once rather than at the next poll; the response does not wait for it.
struct DeliveryKickMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: req)
        if req.method != .GET, req.method != .HEAD, response.status.code < 400, req.application.deliverer.isPolling {
            req.application.deliverer.kick(req.application)
        }
        return response
    }
}

