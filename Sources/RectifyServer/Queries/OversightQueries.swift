import Fluent
import Vapor
import RectifyCore

/// Which dispatch rounds and supervision orders a user may list: the pages and the API
/// read the same queries.
enum OversightQueries {
    /// Rounds of the user's region (office, leader) or all (admin), newest first.
    static func rounds(_ access: Access, on db: any Database) throws -> QueryBuilder<DispatchRound> {
        guard access.isAdmin || access.roles.contains(.office) || access.roles.contains(.leader) else { throw AppError.forbidden }
        var q = DispatchRound.query(on: db).sort(\.$openedAt, .descending).sort(\.$id, .descending)
        if !access.isAdmin, let range = access.oversight {
            q = q.filter(\.$region.$id >= range.lowerBound).filter(\.$region.$id <= range.upperBound)
        }
        return q
    }

    /// Orders of the user's region (office, leader), or sent to the user's unit; open ones first.
    static func orders(_ access: Access, on db: any Database) throws -> QueryBuilder<SupervisionOrder> {
        var q = SupervisionOrder.query(on: db).with(\.$unit).sort(\.$closedAt).sort(\.$replyBy).sort(\.$id)
        if !access.isAdmin {
            if let range = access.oversight, access.roles.contains(.office) || access.roles.contains(.leader) {
                q = q.filter(\.$region.$id >= range.lowerBound).filter(\.$region.$id <= range.upperBound)
            } else if let unit = access.unitID {
                q = q.filter(\.$unit.$id == unit)
            } else { throw AppError.forbidden }
        }
        return q
    }
}
