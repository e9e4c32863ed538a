import Fluent
import Vapor
import RectifyCore

/// A person who logs in. The password is stored only as a Bcrypt hash.
final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(custom: .id) var id: Int?
    @Field(key: "display_name") var displayName: String
    @Field(key: "login") var login: String
    @Field(key: "password_hash") var passwordHash: String
    @OptionalParent(key: "unit_id") var unit: Unit?
    /// Role code names, comma-separated and sorted (e.g. "leader,office").
    @Field(key: "roles") var rolesText: String
    @Field(key: "active") var active: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(displayName: String, login: String, passwordHash: String, unitID: Int?, roles: Set<Role>) {
        self.displayName = displayName
        self.login = login
        self.passwordHash = passwordHash
        self.$unit.id = unitID
        self.rolesText = User.encode(roles)
        self.active = true
    }

    var roles: Set<Role> {
        get { Set(rolesText.split(separator: ",").compactMap { Role(rawValue: String($0)) }) }
        set { rolesText = User.encode(newValue) }
    }

    static func encode(_ roles: Set<Role>) -> String {
        roles.map(\.rawValue).sorted().joined(separator: ",")
    }
}

extension User: Authenticatable {}
