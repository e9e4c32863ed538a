import Vapor

func routes(_ app: Application) throws {
    app.get(SiteURL.healthz.pathComponents, use: HealthController.check)
    app.get(SiteURL.stylesheet.pathComponents, use: AssetController.stylesheet)
    app.get(SiteURL.script.pathComponents, use: AssetController.script)
    app.get(SiteURL.home.pathComponents, use: SessionController.home)
    app.get(SiteURL.login.pathComponents, use: SessionController.loginPage)
    app.post(SiteURL.login.pathComponents, use: SessionController.login)

    // The public portal: no login.
    app.get(SiteURL.publicHome.pathComponents, use: PublicPagesController.home)
    app.get(SiteURL.publicInspection(0).pathComponents, use: PublicPagesController.inspection)

    // Everything else of the web interface needs a session; every POST carries the CSRF token.
    let web = app.grouped(LoginRequiredMiddleware()).grouped(CSRFMiddleware())
    web.post(SiteURL.logout.pathComponents, use: SessionController.logout)
    web.get(SiteURL.ledger.pathComponents, use: LedgerPageController.show)
    web.get(SiteURL.myWork.pathComponents, use: WorkPagesController.myWork)

    web.get(SiteURL.inspections.pathComponents, use: InspectionController.list)
    web.get(SiteURL.inspectionNew.pathComponents, use: InspectionPagesController.newInspection)
    web.post(SiteURL.inspectionNew.pathComponents, use: InspectionPagesController.createInspection)
    web.get(SiteURL.taskNew(0).pathComponents, use: InspectionPagesController.newTask)
    web.post(SiteURL.taskNew(0).pathComponents, use: InspectionPagesController.createTask)
    web.post(SiteURL.problemNew(0).pathComponents, use: InspectionPagesController.createProblem)
    web.get(SiteURL.report(0).pathComponents, use: InspectionPagesController.report)
    let fileLimit = ByteCount(value: LedgerImport.maxFileBytes)
    web.get(SiteURL.ledgerImport(0).pathComponents, use: InspectionPagesController.importPage)
    web.on(.POST, SiteURL.ledgerImport(0).pathComponents, body: .collect(maxSize: fileLimit), use: InspectionPagesController.importSubmit)
    web.get(SiteURL.reportImport.pathComponents, use: InspectionPagesController.reportImportPage)
    web.on(.POST, SiteURL.reportImport.pathComponents, body: .collect(maxSize: fileLimit), use: InspectionPagesController.reportImportParse)
    web.on(.POST, SiteURL.reportImport.pathComponents + ["create"], body: .collect(maxSize: "2mb"), use: InspectionPagesController.reportImportCreate)

    web.get(SiteURL.task(0).pathComponents, use: TaskPageController.show)
    web.post(SiteURL.taskAct(0, .claim).pathComponents, use: TaskPageController.act)
    let evidenceLimit = ByteCount(value: app.rectifyConfig?.evidenceMaxBytes ?? 50 * 1024 * 1024)
    web.on(.POST, SiteURL.taskReport(0).pathComponents, body: .collect(maxSize: evidenceLimit), use: TaskPageController.report)
    web.on(.POST, SiteURL.taskEvidence(0).pathComponents, body: .collect(maxSize: evidenceLimit), use: TaskPageController.evidence)
    web.post(SiteURL.taskExtension(0).pathComponents, use: TaskPageController.requestExtension)
    web.post(SiteURL.taskVerification(0).pathComponents, use: TaskPageController.verification)
    web.post(SiteURL.taskLookBack(0).pathComponents, use: TaskPageController.lookBack)
    web.post(SiteURL.taskInstruction(0).pathComponents, use: TaskPageController.instruction)
    web.post(SiteURL.reportReview(0).pathComponents, use: TaskPageController.review)
    web.post(SiteURL.extensionDecide(0).pathComponents, use: TaskPageController.decideExtension)
    web.post(SiteURL.noticeObjection(0).pathComponents, use: TaskPageController.objection)
    web.post(SiteURL.objectionAnswer(0).pathComponents, use: TaskPageController.answer)

    web.get(SiteURL.rounds.pathComponents, use: RoundPagesController.list)
    web.post(SiteURL.rounds.pathComponents, use: RoundPagesController.open)
    web.get(SiteURL.round(0).pathComponents, use: RoundPagesController.show)
    web.post(SiteURL.roundClose(0).pathComponents, use: RoundPagesController.close)
    web.get(SiteURL.orders.pathComponents, use: OrderPagesController.list)
    web.post(SiteURL.orders.pathComponents, use: OrderPagesController.issue)
    web.post(SiteURL.orderReply(0).pathComponents, use: OrderPagesController.reply)
    web.post(SiteURL.orderClose(0).pathComponents, use: OrderPagesController.close)

    web.get(SiteURL.adminUsers.pathComponents, use: AdminPagesController.users)
    web.post(SiteURL.adminUsers.pathComponents, use: AdminPagesController.createUser)
    web.post(SiteURL.adminUserActive(0).pathComponents, use: AdminPagesController.toggleUser)
    web.get(SiteURL.adminUnits.pathComponents, use: AdminPagesController.units)
    web.post(SiteURL.adminUnits.pathComponents, use: AdminPagesController.createUnit)
    web.get(SiteURL.adminRegions.pathComponents, use: AdminPagesController.regions)
    web.get(SiteURL.tokens.pathComponents, use: AdminPagesController.tokens)
    web.post(SiteURL.tokens.pathComponents, use: AdminPagesController.createToken)
    web.post(SiteURL.tokenRevoke(0).pathComponents, use: AdminPagesController.revokeToken)

    apiRoutes(app)
}
