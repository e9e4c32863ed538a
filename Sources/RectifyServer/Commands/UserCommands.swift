import Fluent
import Vapor
import RectifyCore

/// `rectify user add --login L --name N --role office[,leader] [--unit 单位名称] [--password-stdin]`
struct UserAddCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "login", help: "登录名(英文字母、数字、. _ -)") var login: String?
        @Option(name: "name", help: "姓名") var name: String?
        @Option(name: "role", help: "角色,逗号分隔:admin, office, unit, acceptor, leader") var role: String?
        @Option(name: "unit", help: "所属单位的全称") var unit: String?
        @Flag(name: "password-stdin", help: "从标准输入读取一行作为密码") var passwordStdin: Bool
        init() {}
    }

    var passwords = PasswordSource.terminal
    var help: String { "新增用户" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let login = signature.login, let name = signature.name, let roleText = signature.role else {
            throw StartupError("缺少参数:需要 --login、--name 和 --role,例如 rectify user add --login wang --name 王静 --role office --unit 某某单位")
        }
        var roles: Set<Role> = []
        for part in roleText.split(separator: ",") {
            let code = part.trimmingCharacters(in: .whitespaces)
            guard let role = Role(rawValue: code) else {
                throw StartupError("未知角色“\(code)”:可用角色为 \(Role.allCases.map(\.rawValue).joined(separator: ", "))。")
            }
            roles.insert(role)
        }
        let app = context.application
        try await app.prepareDatabase()
        var unitID: Int?
        if let unitName = signature.unit {
            guard let unit = try await Unit.query(on: app.db).filter(\.$name == unitName).first() else {
                throw StartupError("没有名为“\(unitName)”的单位:请填写单位全称。")
            }
            unitID = unit.id
        }
        guard let password = passwords.read(signature.passwordStdin, context.console) else {
            throw StartupError("两次输入的密码不一致,或未读到密码。")
        }
        let hasher = app.password
        let user = try await Store(db: app.db).createUser(displayName: name, login: login, password: password,
                                                          unitID: unitID, roles: roles) { try hasher.hash($0) }
        context.console.print("已新增用户 \(user.login)(\(user.displayName))。")
    }
}

/// `rectify user passwd --login L [--password-stdin]`
struct UserPasswdCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "login", help: "登录名") var login: String?
        @Flag(name: "password-stdin", help: "从标准输入读取一行作为密码") var passwordStdin: Bool
        init() {}
    }

    var passwords = PasswordSource.terminal
    var help: String { "重设用户密码" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let login = signature.login else {
            throw StartupError("缺少参数:需要 --login,例如 rectify user passwd --login wang")
        }
        let app = context.application
        try await app.prepareDatabase()
        guard let password = passwords.read(signature.passwordStdin, context.console) else {
            throw StartupError("两次输入的密码不一致,或未读到密码。")
        }
        let hasher = app.password
        try await Store(db: app.db).setPassword(login: login, password: password) { try hasher.hash($0) }
        context.console.print("已重设 \(login) 的密码。")
    }
}
