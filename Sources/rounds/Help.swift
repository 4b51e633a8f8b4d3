/// The text of `rounds help`.
enum Help {
    static let text = """
    rounds — rounding lists from the EHR, online and offline

    Usage:
      rounds [--plain] [--theme NAME]        open the full-screen app
      rounds connect URL --client-id ID --tenant TENANT [--secret-file PATH] [--auth post|basic] [--name NAME]
                     [--token-origin ORIGIN]   (a token endpoint on another origin than URL)
                     [--allow-plain-http]      (plain http:// off this machine: a test network only)
      rounds connect URL --client-id ID --tenant TENANT --private-key FILE [--key-id KID] [--name NAME]
      rounds key generate [--alg ES384|RS384] --out FILE | key jwks FILE
      rounds lock set-pin | remove-pin | status   (the PIN that unlocks the screen; read with no echo)
      rounds metadata [--json]
      rounds search [--name X] [--family X] [--given X] [--mrn X] [--birthdate YYYY-MM-DD]
                    [--gender G] [--count N] [--page N] [--offline] [--json]
      rounds patient ID [--offline] [--json] | patient ID --hypercapnic on|off
      rounds sync [--list NAME] [--concurrency N] [--json]
      rounds list ls|show|create|rename|delete|default|add|remove|move|columns|export|import …
      rounds note add ID [TEXT] | note ls ID [--json]
      rounds export LIST --format csv|md|json [--output FILE]
      rounds audit [--since DATE] [--patient ID] [--operation OP] [--json] [--verify] | audit --team [--json] [--verify]
      rounds team init URL [--password-file F]              (the team database's schema; as its owner)
      rounds team create NAME --member ROLE [--member ROLE]… --admin URL [--password-file F]
      rounds team members NAME [--add ROLE]… [--remove ROLE]… --admin URL [--password-file F]
      rounds team connect URL --team NAME [--password-file F] | team status [--json] | team disconnect
      rounds cache purge [--older-than 30d]
      rounds inspect FILE... [--json]

    Exit codes: 0 success, 1 error (one line on stderr), 2 usage error.
    Docs: Docs/user-guide.md, Docs/admin-guide.md
    """
}
