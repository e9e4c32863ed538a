import Vapor

func routes(_ app: Application) throws {
    app.get(SiteURL.healthz.pathComponents, use: HealthController.check)
    app.get(SiteURL.stylesheet.pathComponents, use: AssetController.stylesheet)
    app.get(SiteURL.home.pathComponents, use: SessionController.home)
    app.get(SiteURL.login.pathComponents, use: SessionController.loginPage)
    app.post(SiteURL.login.pathComponents, use: SessionController.login)
    app.post(SiteURL.logout.pathComponents, use: SessionController.logout)

    let signedIn = app.grouped(LoginRequiredMiddleware())
    signedIn.get(SiteURL.inspections.pathComponents, use: InspectionController.list)

    apiRoutes(app)
}
