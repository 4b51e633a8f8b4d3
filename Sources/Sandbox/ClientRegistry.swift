import Foundation

/// The partner's registry of API clients, kept in `clients.json` under the sandbox's state
/// directory (0600). Secrets are stored only as salted SHA-256 hashes and shown once.
public struct ClientRegistry: Sendable {
    public struct Client: Codable, Sendable, Equatable {
        public var name: String
        public var clientId: String
        public var salt: String
        public var secretHash: String
        public var tenants: [String]
        /// `any`, `post`, `basic` or `key` (SMART Backend Services only): how this client must
        /// authenticate at the token endpoint.
        public var auth: String
        public var revoked: Bool
        /// Bumped by `rotate`; tokens from an older generation stop working.
        public var generation: Int
        /// The client's public keys (a JWKS document) for `private_key_jwt`, when registered.
        public var jwks: String?
    }

    public let path: String
    public private(set) var clients: [Client]

    public init(stateDirectory: String) throws {
        try FileManager.default.createDirectory(
            atPath: stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        path = stateDirectory + "/clients.json"
        if let data = FileManager.default.contents(atPath: path) {
            do { clients = try JSONDecoder().decode([Client].self, from: data) } catch {
                throw SandboxError.registry("Cannot read the client registry '\(path)': \(error)")
            }
        } else {
            clients = []
        }
    }

    /// Adds a client and returns its id and secret (the only time the secret is shown).
    public mutating func add(name: String, tenants: [String], auth: String = "any", jwks: String? = nil) throws -> (
        id: String, secret: String
    ) {
        guard !clients.contains(where: { $0.name == name }) else {
            throw SandboxError.registry("A client named '\(name)' already exists; use 'client rotate \(name)'.")
        }
        guard !tenants.isEmpty else { throw SandboxError.registry("A client needs at least one --tenant.") }
        let id = "rounds-" + Digest.randomHex(8)
        let secret = Digest.randomHex(24)
        let salt = Digest.randomHex(8)
        clients.append(
            Client(
                name: name, clientId: id, salt: salt, secretHash: Digest.sha256Hex(salt + secret),
                tenants: tenants, auth: auth, revoked: false, generation: 1, jwks: jwks))
        try save()
        return (id, secret)
    }

    /// Issues a new secret and invalidates the old one (and tokens issued under it).
    public mutating func rotate(name: String) throws -> (id: String, secret: String) {
        guard let i = clients.firstIndex(where: { $0.name == name }) else {
            throw SandboxError.registry("No client named '\(name)'.")
        }
        let secret = Digest.randomHex(24)
        clients[i].salt = Digest.randomHex(8)
        clients[i].secretHash = Digest.sha256Hex(clients[i].salt + secret)
        clients[i].generation += 1
        clients[i].revoked = false
        try save()
        return (clients[i].clientId, secret)
    }

    public mutating func revoke(name: String) throws {
        guard let i = clients.firstIndex(where: { $0.name == name }) else {
            throw SandboxError.registry("No client named '\(name)'.")
        }
        clients[i].revoked = true
        clients[i].generation += 1
        try save()
    }

    /// The client with this id when the secret matches and it is not revoked.
    public func authenticate(id: String, secret: String) -> Client? {
        guard let c = clients.first(where: { $0.clientId == id }), !c.revoked,
            Digest.sha256Hex(c.salt + secret) == c.secretHash
        else { return nil }
        return c
    }

    public func client(id: String) -> Client? { clients.first { $0.clientId == id } }

    private func save() throws {
        let data = try JSONEncoder().encode(clients)
        let tmp = path + ".tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw SandboxError.registry("Cannot write '\(tmp)'.")
        }
        chmod(tmp, 0o600)
        guard rename(tmp, path) == 0 else {
            throw SandboxError.registry("Cannot replace '\(path)': \(String(cString: strerror(errno))).")
        }
    }
}
