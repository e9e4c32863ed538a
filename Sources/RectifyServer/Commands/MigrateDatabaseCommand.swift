import Fluent
import Vapor

/// `rectify migrate`: applies every migration not yet applied, without asking.
struct MigrateDatabaseCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }
    var help: String { "将数据库结构更新到最新" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await context.application.prepareDatabase()
        context.console.print("数据库结构已是最新(\(context.application.rectifyConfig?.storeDescription ?? ""))。")
    }
}
