import XCTest
@testable import RectifyServer

/// What the environment configures.
final class AppConfigTests: XCTestCase {
    func testGivenEachStore_whenNothingIsSet_thenSignedInUsersAreRememberedOnlyWhereOneServerHoldsTheSessions() throws {
        // Given SQLite (one server), signed-in users are remembered for 5 s;
        let sqlite = try AppConfig.fromEnvironment([:])
        XCTAssertEqual(sqlite.signedInCacheSeconds, 5)
        // given PostgreSQL, where several instances share the sessions and a logout on one must hold on all, not at all,
        let postgres = try AppConfig.fromEnvironment(["DATABASE_URL": "postgres://u@db.example/rectify"])
        XCTAssertEqual(postgres.signedInCacheSeconds, 0)
        // unless an office running one instance says so;
        let single = try AppConfig.fromEnvironment(["DATABASE_URL": "postgres://u@db.example/rectify", "RECTIFY_SIGNED_IN_CACHE_SECONDS": "5"])
        XCTAssertEqual(single.signedInCacheSeconds, 5)
        // and more than a minute is refused at startup.
        XCTAssertThrowsError(try AppConfig.fromEnvironment(["RECTIFY_SIGNED_IN_CACHE_SECONDS": "600"]))
    }
}
