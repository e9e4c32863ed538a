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

    var encoded: String {
        lock.withLock {
            (try? String(decoding: JSONEncoder().encode(values), as: UTF8.self)) ?? "{}"
        }
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

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

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

    /// The session a cookie names with its user and the user's access, if it is current:
    /// one query (session, user and the unit's region joined), so a signed-in request
    /// makes no further round trip to learn who is asking.
    static func load(token: String, on db: any Database, now: Date, policy: Policy) async throws -> (SessionState, User, Access)? {
        guard (20...200).contains(token.utf8.count) else { return nil }
        let id = hash(token)
        guard let row = try await UserSession.query(on: db).filter(\.$id == id)
            .join(User.self, on: \UserSession.$user.$id == \User.$id)
            .join(Unit.self, on: \User.$unit.$id == \Unit.$id, method: .left).first() else { return nil }
        let user = try row.joined(User.self)
        let access = try Access.of(user, unit: user.$unit.id == nil ? nil : try? row.joined(Unit.self))
        guard user.active, now.timeIntervalSince(row.lastSeenAt) < policy.idle, now.timeIntervalSince(row.createdAt) < policy.max else {
            try await UserSession.query(on: db).filter(\.$id == id).delete()
            return nil
        }
        let values = (try? JSONDecoder().decode([String: String].self, from: Data(row.data.utf8))) ?? [:]
        return (SessionState(id: id, userID: try user.requireID(), values: values, lastSeenAt: row.lastSeenAt, newToken: nil), user,
                access)
    }

    /// A new session for `user`, replacing the request's old one; expired sessions of
    /// anyone are swept on the way.
    static func begin(_ req: Request, user: User) async throws {
        let now = Date()
        let policy = Policy(req.application.rectifyConfig)
        if let old = req.userSession { try await UserSession.query(on: req.db).filter(\.$id == old.id).delete() }
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
        if let s = req.userSession { try await UserSession.query(on: req.db).filter(\.$id == s.id).delete() }
        req.userSession = nil
        req.storage[EndedKey.self] = true
        req.auth.logout(User.self)
    }

    /// Ends every session of a user (deactivated, password changed).
    static func endAll(userID: Int, on db: any Database) async throws {
        try await UserSession.query(on: db).filter(\.$user.$id == userID).delete()
    }

    static func sweep(on db: any Database, now: Date, policy: Policy) async throws {
        try await UserSession.query(on: db).group(.or) {
            $0.filter(\.$lastSeenAt < now.addingTimeInterval(-policy.idle)).filter(\.$createdAt < now.addingTimeInterval(-policy.max))
        }.delete()
    }

    /// After the response: the new cookie, a cleared one, and what changed.
    static func finish(_ req: Request, _ response: Response, presented: Bool) async throws {
        // A token call leaves the browser's session and cookie as they were.
        if req.viaBearerToken { return }
        let policy = Policy(req.application.rectifyConfig)
        if let s = req.userSession {
            let now = Date()
            if s.dirty || s.newToken == nil && now.timeIntervalSince(s.lastSeenAt) >= touchInterval {
                try await UserSession.query(on: req.db).filter(\.$id == s.id)
                    .set(\.$data, to: s.encoded).set(\.$lastSeenAt, to: now).update()
            }
            if let token = s.newToken {
                response.cookies[cookieName] = HTTPCookies.Value(string: token, maxAge: Int(policy.max), path: "/",
                                                                 isSecure: policy.secure, isHTTPOnly: true, sameSite: .lax)
            }
        } else if presented || req.storage[EndedKey.self] == true {
            // A cookie that names no current session (expired, logged out): drop it.
            response.cookies[cookieName] = HTTPCookies.Value(string: "", maxAge: 0, path: "/",
                                                             isSecure: policy.secure, isHTTPOnly: true, sameSite: .lax)
        }
    }

    struct EndedKey: StorageKey { typealias Value = Bool }
}

/// Reads the session cookie, logs its user in, and writes back what changed.
struct SessionMiddleware: AsyncMiddleware {
    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let token = req.cookies[SessionStore.cookieName]?.string ?? ""
        let presented = !token.isEmpty
        if presented, let (session, user, access) = try await SessionStore.load(
            token: token, on: req.db, now: Date(), policy: .init(req.application.rectifyConfig)) {
            req.userSession = session
            req.auth.login(user)
            req.storage[AccessKey.self] = access
        }
        let response: Response
        do {
            response = try await next.respond(to: req)
        } catch {
            // Answered here, so an error page can still clear a stale cookie or save a message.
            response = RectifyErrorMiddleware.response(for: error, on: req)
        }
        try await SessionStore.finish(req, response, presented: presented)
        return response
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
