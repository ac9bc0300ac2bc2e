public import Foundation

/// The numbered SQL migrations of this folder, bundled as resources so a built kaohe carries its
/// schema with it. (Package.swift lists every `NNNN_name.sql` here as a resource; a test checks the
/// bundle holds exactly the files of this folder.)
public enum KaoheSchema {
    /// The folder in the bundle that holds the `.sql` files.
    public static var directory: URL? { Bundle.module.resourceURL }
}
