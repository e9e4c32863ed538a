import Vapor

/// Every page and endpoint the server answers, used both to register routes and to
/// build links, so a link cannot point nowhere.
enum SiteURL: Equatable {
    case home
    case login
    case logout
    case inspections
    case healthz
    case stylesheet

    var path: String {
        switch self {
        case .home: "/"
        case .login: "/login"
        case .logout: "/logout"
        case .inspections: "/inspections"
        case .healthz: "/healthz"
        case .stylesheet: "/assets/rectify.css"
        }
    }

    var pathComponents: [PathComponent] {
        path.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
    }
}
