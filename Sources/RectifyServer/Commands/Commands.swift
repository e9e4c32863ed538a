import Vapor

/// `rectify serve | migrate | demo | user add | user passwd | petitions list | import | export | …`.
func registerCommands(_ app: Application) {
    app.asyncCommands.use(ServeWithDemoCommand(), as: "serve", isDefault: true)
    app.asyncCommands.use(MigrateDatabaseCommand(), as: "migrate")
    app.asyncCommands.use(DemoCommand(), as: "demo")
    var user = AsyncCommandGroupBuilder()
    user.use(UserAddCommand(), as: "add")
    user.use(UserPasswdCommand(), as: "passwd")
    app.asyncCommands.use(UserCommands(commands: user.commands), as: "user")
    app.asyncCommands.use(AuditCommands(), as: "audit")
    app.asyncCommands.use(RecomputeCommand(), as: "recompute")
    app.asyncCommands.use(ExplainCommand(), as: "explain")
    app.asyncCommands.use(ImportReportCommand(), as: "import-report")
    app.asyncCommands.use(ReportCommand(), as: "report")
    app.asyncCommands.use(ExportCommand(), as: "export")
    app.asyncCommands.use(ImportCommand(), as: "import")
    var petitions = AsyncCommandGroupBuilder()
    petitions.use(PetitionListCommand(), as: "list")
    petitions.use(PetitionImportCommand(), as: "import")
    petitions.use(PetitionExportCommand(), as: "export")
    app.asyncCommands.use(PetitionCommands(commands: petitions.commands), as: "petitions")
    var indicators = AsyncCommandGroupBuilder()
    indicators.use(IndicatorListCommand(), as: "list")
    indicators.use(IndicatorImportCommand(), as: "import")
    app.asyncCommands.use(IndicatorCommands(commands: indicators.commands), as: "indicators")
}

struct AsyncCommandGroupBuilder {
    var commands: [String: any AnyAsyncCommand] = [:]
    mutating func use(_ command: any AnyAsyncCommand, as name: String) { commands[name] = command }
}

struct UserCommands: AsyncCommandGroup {
    let commands: [String: any AnyAsyncCommand]
    var help: String { "管理用户:add 新增用户,passwd 重设密码" }
}

/// How passwords reach a command: typed at a hidden prompt, or one line on standard
/// input with `--password-stdin` (for scripts). Never as an argument, which would
/// leave it in the shell history and the process list.
struct PasswordSource: Sendable {
    let read: @Sendable (_ fromStdin: Bool, _ console: any Console) -> String?

    static let terminal = PasswordSource { fromStdin, console in
        if fromStdin { return readLine(strippingNewline: true) }
        let first = console.ask("密码:", isSecure: true)
        let second = console.ask("再次输入密码:", isSecure: true)
        return first == second ? first : nil
    }
}
