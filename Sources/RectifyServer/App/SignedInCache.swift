import Crypto
import NIOConcurrencyHelpers
import Vapor

/// Who is signed in, as last read from the database: a request with a session cookie or
/// an API token finds its user and access here instead of asking the database each time
/// (issue 11 §4). An entry is trusted for at most `lifetime` seconds
/// (`AppConfig.signedInCacheSeconds`: 5 on SQLite, off on PostgreSQL), so any change to a
/// session, user or token is seen within that: a change made elsewhere (another instance
/// on the same PostgreSQL, `rectify user passwd` on the command line) as much as one made
/// here. This instance also drops an entry as soon as it has ended the session or changed
/// the user (logout, a new login, deactivation, a revoked token), so here it is usually
/// seen at once.
final class SignedInCache: Sendable {
    let lifetime: TimeInterval
    /// Only guards memory: past it the oldest half of the readings is forgotten.
    static let capacity = 20_000

    /// The user as read with the credential: each request gets its own `User` from it, so
    /// no two requests share a model object.
    struct SignedInUser: Sendable {
        let id: Int
        let displayName: String
        let login: String
        let passwordHash: String
        let unitID: Int?
        let rolesText: String
        let active: Bool

        init(_ user: User) throws {
            id = try user.requireID()
            displayName = user.displayName
            login = user.login
            passwordHash = user.passwordHash
            unitID = user.$unit.id
            rolesText = user.rolesText
            active = user.active
        }

        func model() -> User {
            let user = User()
            user.id = id
            user.displayName = displayName
            user.login = login
            user.passwordHash = passwordHash
            user.$unit.id = unitID
            user.rolesText = rolesText
            user.active = active
            user.$id.exists = true
            return user
        }
    }

    struct Entry: Sendable {
        let user: SignedInUser
        let access: Access
        /// A session's stored values, creation and last-seen times; unused for a token.
        var values: [String: String]
        let createdAt: Date
        var lastSeenAt: Date
        let loadedAt: Date
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    init(lifetime: TimeInterval) {
        self.lifetime = lifetime
    }

    /// The entry for `key`, if it was read less than `lifetime` ago.
    func entry(_ key: String, now: Date) -> Entry? {
        entries.withLockedValue { entries in
            guard let e = entries[key] else { return nil }
            let age = now.timeIntervalSince(e.loadedAt)
            guard age >= 0, age < lifetime else {
                entries[key] = nil
                return nil
            }
            return e
        }
    }

    func put(_ key: String, _ entry: Entry) {
        guard lifetime > 0 else { return }
        entries.withLockedValue { entries in
            if entries.count >= Self.capacity {
                let oldest = entries.sorted { $0.value.loadedAt < $1.value.loadedAt }.prefix(Self.capacity / 2).map(\.key)
                for k in oldest { entries[k] = nil }
            }
            entries[key] = entry
        }
    }

    /// A session's values and last-seen time as just written back.
    func update(_ key: String, values: [String: String], lastSeenAt: Date) {
        entries.withLockedValue { entries in
            entries[key]?.values = values
            entries[key]?.lastSeenAt = lastSeenAt
        }
    }

    func drop(_ key: String) {
        _ = entries.withLockedValue { $0.removeValue(forKey: key) }
    }

    /// Every session and token of a user (deactivated, password changed, token revoked).
    func drop(userID: Int) {
        entries.withLockedValue { entries in
            entries = entries.filter { $0.value.user.id != userID }
        }
    }

    static func sessionKey(_ hash: String) -> String { "s" + hash }
    static func tokenKey(_ hash: String) -> String { "t" + hash }
}

extension Application {
    private struct SignedInCacheKey: StorageKey { typealias Value = SignedInCache }

    /// Made in configure, before any request can race to make it.
    var signedIn: SignedInCache {
        single(SignedInCacheKey.self) { SignedInCache(lifetime: rectifyConfig?.signedInCacheSeconds ?? 0) }
    }
}

/// SHA-256 in lower-case hex: the stored name of a session or API token.
enum SecretHash {
    static func hex(_ secret: String) -> String { Hex.string(SHA256.hash(data: Data(secret.utf8))) }
}

/// Bytes (a digest) as lowercase hexadecimal: `String(format: "%02x")` per byte cost a
/// format parse each, on every request that hashed a session and every audited write.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func string(_ bytes: some Sequence<UInt8>) -> String {
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
