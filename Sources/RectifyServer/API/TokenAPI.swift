import Fluent
import Vapor
import RectifyCore

/// API tokens per user for programs (issue 3 §13): shown once, stored hashed.
enum TokenAPI {
    struct NewToken: Content { var name: String }
    struct Created: Content {
        let id: Int
        let name: String
        /// Shown this once; only its SHA-256 is kept.
        let token: String
    }
    struct Listed: Content {
        let id: Int
        let name: String
        let createdAt: Date?
        let lastUsedAt: Date?
        let revoked: Bool
    }

    static func hash(_ token: String) -> String { SecretHash.hex(token) }

    static func create(req: Request) async throws -> Response {
        let access = try await req.access()
        let body = try req.decodeBody(NewToken.self)
        guard !body.name.allSatisfy(\.isWhitespace) else {
            throw ValidationFailure([.init("token.nameRequired", field: "name", "请为令牌命名,如“台账同步脚本”")])
        }
        let bytes = [UInt8].random(count: 32)
        let token = "rct_" + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let record = ApiToken(userID: access.userID, name: body.name, tokenHash: hash(token))
        try await req.db.writeTransaction { tx in
            try await record.create(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .tokenCreate, recordType: "api_token",
                                   recordID: try record.requireID(), taskID: nil, before: Optional<String>.none,
                                   after: ["name": body.name], now: req.application.clock.now())
        }
        return try await Created(id: record.id!, name: record.name, token: token).encodeResponse(status: .created, for: req)
    }

    static func list(req: Request) async throws -> Paged<Listed> {
        let access = try await req.access()
        return try await ApiToken.query(on: req.db).filter(\.$user.$id == access.userID).sort(\.$id).paged(req) {
            Listed(id: $0.id!, name: $0.name, createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt, revoked: $0.revoked)
        }
    }

    static func revoke(req: Request) async throws -> HTTPStatus {
        let access = try await req.access()
        guard let token = try await ApiToken.find(try req.intParameter("id"), on: req.db),
              token.$user.id == access.userID || access.isAdmin else { throw AppError.notFound }
        token.revoked = true
        try await req.db.writeTransaction { tx in
            try await token.save(on: tx)
            try await Audit.record(on: tx, actor: access.auditActor, action: .tokenRevoke, recordType: "api_token",
                                   recordID: token.id!, taskID: nil, before: Optional<String>.none,
                                   after: ["revoked": true], now: req.application.clock.now())
        }
        req.application.signedIn.drop(SignedInCache.tokenKey(token.tokenHash))
        return .noContent
    }
}

/// `Authorization: Bearer rct_…` logs the request in as the token's user. The token as
/// read in the last few seconds (`SignedInCache`) needs no query and no task.
struct TokenAuthenticator: Middleware {
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let bearer = req.headers.bearerAuthorization else { return next.respond(to: req) }
        let hash = TokenAPI.hash(bearer.token)
        let key = SignedInCache.tokenKey(hash)
        if let e = req.application.signedIn.entry(key, now: Date()) {
            Self.signIn(req, e)
            return next.respond(to: req)
        }
        return req.eventLoop.makeFutureWithTask {
            // One query: the token, its user and the user's unit (for the access).
            guard let row = try await ApiToken.query(on: req.db).filter(\.$tokenHash == hash)
                .filter(\.$revoked == false)
                .join(User.self, on: \ApiToken.$user.$id == \User.$id)
                .join(Unit.self, on: \User.$unit.$id == \Unit.$id, method: .left).first() else { return }
            let user = try row.joined(User.self)
            guard user.active else { return }
            // When the token was last used, as the tokens page shows it: to the minute, written
            // as the token is read (at most every few seconds, `SignedInCache`). Bookkeeping, like
            // a session's last-seen time: a failure to write it does not fail the call.
            let now = Date()
            if let id = row.id, row.lastUsedAt.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
                do {
                    try await ApiToken.query(on: req.db).filter(\.$id == id).set(\.$lastUsedAt, to: now).update()
                } catch {
                    req.logger.warning("token \(id): last use not recorded: \(String(reflecting: error))")
                }
            }
            let e = SignedInCache.Entry(user: try .init(user), access: try Access.of(user, unit: user.$unit.id == nil ? nil : try? row.joined(Unit.self)),
                                        values: [:], createdAt: row.createdAt ?? now, lastSeenAt: now, loadedAt: now)
            req.application.signedIn.put(key, e)
            Self.signIn(req, e)
        }.flatMap { next.respond(to: req) }
    }

    /// The token's user, whatever cookie came along: a token call neither uses nor changes a session.
    private static func signIn(_ req: Request, _ e: SignedInCache.Entry) {
        req.userSession = nil
        req.viaBearerToken = true
        req.auth.login(e.user.model())
        req.storage[AccessKey.self] = e.access
    }
}
