import Crypto
import Fluent
import NIOConcurrencyHelpers
import Vapor

/// The signed-in browser of this request: read once by `SessionMiddleware`, changed by
/// handlers (a CSRF token made, a message left for the next page), written back once
/// after the response, and only if something changed.
final class SessionState: @unchecked Sendable {
    /// SHA-256 of the cookie's value: the row's id.
    let id: String
    let userID: Int
    private let lock = NIOLock()
    private var values: [String: String]
    private(set) var dirty = false
    let lastSeenAt: Date
    /// The cookie's value, for a session made by this request (the login), to be sent once.
    let newToken: String?

    init(id: String, userID: Int, values: [String: String], lastSeenAt: Date, newToken: String?) {
        self.id = id
        self.userID = userID
        self.values = values
        self.lastSeenAt = lastSeenAt
        self.newToken = newToken
    }

    subscript(key: String) -> String? {
        get { lock.withLock { values[key] } }
        set { lock.withLock { if values[key] != newValue { values[key] = newValue; dirty = true } } }
    }

    var snapshot: [String: String] { lock.withLock { values } }

    static func encode(_ values: [String: String]) -> String {
        (try? String(decoding: JSONEncoder().encode(values), as: UTF8.self)) ?? "{}"
    }
}

/// Sessions in the database, with idle and absolute expiry (AppConfig), measured by the
/// wall clock: the application's clock says which day it is for the rules, and tests move it.
/// - login makes a new session (a session id from before login is never reused) and
///   ends the one the browser had;
/// - logout, a password change and deactivation end sessions;
/// - a Bearer-token request never makes or changes a session;
/// - the cookie is set once, at login, without an `Expires` date to format.
enum SessionStore {
    static let cookieName = "rectify_session"
    /// Last-seen times are written at most this often, not on every request.
    static let touchInterval: TimeInterval = 60

    static func hash(_ token: String) -> String { SecretHash.hex(token) }

    struct Policy {
        let idle: TimeInterval
        let max: TimeInterval
        let secure: Bool

        init(_ config: AppConfig?) {
            idle = TimeInterval(config?.sessionIdleSeconds ?? 7_200)
            max = TimeInterval(config?.sessionMaxSeconds ?? 43_200)
            secure = config?.secureCookies ?? false
        }
    }

    static func isWellFormed(_ token: String) -> Bool { (20...200).contains(token.utf8.count) }

    /// The session a cookie names with its user and the user's access, if it is current:
    /// one query (session, user and the unit's region joined), so a signed-in request
    /// makes no further round trip to learn who is asking. An expired session is deleted.
    static func load(id: String, on db: any Database, now: Date, policy: Policy) async throws -> SignedInCache.Entry? {
        guard let row = try await UserSession.query(on: db).filter(\.$id == id)
            .join(User.self, on: \UserSession.$user.$id == \User.$id)
            .join(Unit.self, on: \User.$unit.$id == \Unit.$id, method: .left).first() else { return nil }
        let user = try row.joined(User.self)
        let entry = SignedInCache.Entry(
            user: try .init(user), access: try Access.of(user, unit: user.$unit.id == nil ? nil : try? row.joined(Unit.self)),
            values: (try? JSONDecoder().decode([String: String].self, from: Data(row.data.utf8))) ?? [:],
            createdAt: row.createdAt, lastSeenAt: row.lastSeenAt, loadedAt: now)
        guard isCurrent(entry, now: now, policy: policy) else {
            try await UserSession.query(on: db).filter(\.$id == id).delete()
            return nil
        }
        return entry
    }

    static func isCurrent(_ e: SignedInCache.Entry, now: Date, policy: Policy) -> Bool {
        e.user.active && now.timeIntervalSince(e.lastSeenAt) < policy.idle && now.timeIntervalSince(e.createdAt) < policy.max
    }

    /// Signs the request in from the session read in the last few seconds, if there is
    /// one and it is still current; false sends the request to `signIn`.
    static func signInFromCache(_ req: Request, token: String) -> Bool {
        guard isWellFormed(token) else { return false }
        let id = hash(token)
        let now = Date()
        guard let e = req.application.signedIn.entry(SignedInCache.sessionKey(id), now: now),
              isCurrent(e, now: now, policy: Policy(req.application.rectifyConfig)) else { return false }
        signIn(req, id: id, e)
        return true
    }

    /// Signs the request in from the database (and remembers the session for the next ones).
    static func signIn(_ req: Request, token: String) async throws {
        guard isWellFormed(token) else { return }
        let id = hash(token)
        let key = SignedInCache.sessionKey(id)
        req.application.signedIn.drop(key)
        guard let e = try await load(id: id, on: req.db, now: Date(), policy: Policy(req.application.rectifyConfig)) else { return }
        req.application.signedIn.put(key, e)
        signIn(req, id: id, e)
    }

    private static func signIn(_ req: Request, id: String, _ e: SignedInCache.Entry) {
        req.userSession = SessionState(id: id, userID: e.user.id, values: e.values, lastSeenAt: e.lastSeenAt, newToken: nil)
        req.auth.login(e.user.model())
        req.storage[AccessKey.self] = e.access
    }

    /// A new session for `user`, replacing the request's old one; expired sessions of
    /// anyone are swept on the way.
    static func begin(_ req: Request, user: User) async throws {
        let now = Date()
        let policy = Policy(req.application.rectifyConfig)
        if let old = req.userSession {
            try await UserSession.query(on: req.db).filter(\.$id == old.id).delete()
            req.application.signedIn.drop(SignedInCache.sessionKey(old.id))
        }
        try await sweep(on: req.db, now: now, policy: policy)
        let token = Data([UInt8].random(count: 32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let row = UserSession()
        row.id = hash(token)
        row.$user.id = try user.requireID()
        row.data = "{}"
        row.createdAt = now
        row.lastSeenAt = now
        try await row.create(on: req.db)
        req.userSession = SessionState(id: hash(token), userID: try user.requireID(), values: [:], lastSeenAt: now, newToken: token)
        req.auth.login(user)
    }

    /// Ends the request's session (logout).
    static func end(_ req: Request) async throws {
        if let s = req.userSession {
            try await UserSession.query(on: req.db).filter(\.$id == s.id).delete()
            // After the delete, so no request of the same browser reads it back into the cache.
            req.application.signedIn.drop(SignedInCache.sessionKey(s.id))
        }
        req.userSession = nil
        req.storage[EndedKey.self] = true
        req.auth.logout(User.self)
    }

    /// Ends every session of a user (deactivated, password changed). A server that does
    /// this also drops the user from its `SignedInCache` (`Application.signedIn.drop(userID:)`).
    static func endAll(userID: Int, on db: any Database) async throws {
        try await UserSession.query(on: db).filter(\.$user.$id == userID).delete()
    }

    static func sweep(on db: any Database, now: Date, policy: Policy) async throws {
        try await UserSession.query(on: db).group(.or) {
            $0.filter(\.$lastSeenAt < now.addingTimeInterval(-policy.idle)).filter(\.$createdAt < now.addingTimeInterval(-policy.max))
        }.delete()
    }

    /// After the response: what changed written back (the only part that waits), then the
    /// new cookie or a cleared one.
    static func finish(_ req: Request, _ response: Response, presented: Bool) -> EventLoopFuture<Response> {
        // A token call leaves the browser's session and cookie as they were.
        if req.viaBearerToken { return req.eventLoop.makeSucceededFuture(response) }
        let policy = Policy(req.application.rectifyConfig)
        guard let s = req.userSession else {
            if presented || req.storage[EndedKey.self] == true {
                // A cookie that names no current session (expired, logged out): drop it.
                response.cookies[cookieName] = HTTPCookies.Value(string: "", maxAge: 0, path: "/",
                                                                 isSecure: policy.secure, isHTTPOnly: true, sameSite: .lax)
            }
            return req.eventLoop.makeSucceededFuture(response)
        }
        @Sendable func setCookie() -> Response {
            if let token = s.newToken {
                response.cookies[cookieName] = HTTPCookies.Value(string: token, maxAge: Int(policy.max), path: "/",
                                                                 isSecure: policy.secure, isHTTPOnly: true, sameSite: .lax)
            }
            return response
        }
        let now = Date()
        guard s.dirty || s.newToken == nil && now.timeIntervalSince(s.lastSeenAt) >= touchInterval else {
            return req.eventLoop.makeSucceededFuture(setCookie())
        }
        return req.eventLoop.makeFutureWithTask {
            let values = s.snapshot
            try await UserSession.query(on: req.db).filter(\.$id == s.id)
                .set(\.$data, to: SessionState.encode(values)).set(\.$lastSeenAt, to: now).update()
            req.application.signedIn.update(SignedInCache.sessionKey(s.id), values: values, lastSeenAt: now)
            return setCookie()
        }
    }

    struct EndedKey: StorageKey { typealias Value = Bool }
}

/// Reads the session cookie, logs its user in, and writes back what changed. Future-based,
/// not async: a signed-in request whose session was read in the last few seconds
/// (`SignedInCache`) waits for nothing here, and only a read or a write of the session
/// row starts a task.
struct SessionMiddleware: Middleware {
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let token = req.cookies[SessionStore.cookieName]?.string ?? ""
        let presented = !token.isEmpty
        let answered: EventLoopFuture<Response>
        if presented, SessionStore.signInFromCache(req, token: token) {
            answered = next.respond(to: req)
        } else if presented {
            answered = req.eventLoop.makeFutureWithTask { try await SessionStore.signIn(req, token: token) }
                .flatMap { next.respond(to: req) }
        } else {
            answered = next.respond(to: req)
        }
        // Answered here, so an error page can still clear a stale cookie or save a message.
        return answered.flatMapErrorThrowing { RectifyErrorMiddleware.response(for: $0, on: req) }
            .flatMap { SessionStore.finish(req, $0, presented: presented) }
    }
}

extension Request {
    private struct SessionKey: StorageKey { typealias Value = SessionState }

    /// The signed-in browser's session; nil for anonymous and Bearer-token requests.
    var userSession: SessionState? {
        get { storage[SessionKey.self] }
        set { storage[SessionKey.self] = newValue }
    }

    private struct BearerKey: StorageKey { typealias Value = Bool }

    /// Whether this request was authenticated by an API token rather than a cookie.
    var viaBearerToken: Bool {
        get { storage[BearerKey.self] ?? false }
        set { storage[BearerKey.self] = newValue }
    }

    /// Whether an `Origin` header, when present, names this server. Browsers send it
    /// with every cross-site POST; a foreign one is a forged request.
    var originIsOwn: Bool {
        guard let origin = headers.first(name: .origin) else { return true }
        // Behind a reverse proxy the address users typed arrives as X-Forwarded-Host.
        guard let host = headers.first(name: "X-Forwarded-Host") ?? headers.first(name: .host),
              let url = URLComponents(string: origin), let originHost = url.host else { return false }
        let authority = url.port.map { "\(originHost):\($0)" } ?? originHost
        return authority.lowercased() == host.lowercased()
    }
}
