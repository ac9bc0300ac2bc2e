public import Foundation

/// The numbered SQL migrations of `Schema/Migrations/`, bundled as one folder resource, so a built
/// kaohe carries its schema with it and a new migration needs no edit to Package.swift. (A test
/// checks the bundle holds exactly the files of the folder.)
public enum KaoheSchema {
    /// The folder in the bundle that holds the `.sql` files.
    public static var directory: URL? { Bundle.module.resourceURL?.appendingPathComponent("Migrations") }
}
