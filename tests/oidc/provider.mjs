// A real OpenID provider for the tests: panva's oidc-provider on 127.0.0.1, started by the tests.
//
// Environment: PORT, CLIENTS (JSON list of client metadata), and for the refusal tests
//   CLOCK_SKEW  seconds added to the provider's clock (negative: its tokens are already expired)
//   MISCHIEF    "wrong-audience": ID tokens name another client as their audience
// Accounts: any login and password are accepted (the provider's development interactions);
// the login becomes the subject. A login containing "manager" is in the group "sw-managers".
// Prints "ready <issuer>" on stdout once it listens.

const skew = Number(process.env.CLOCK_SKEW || 0) * 1000;
if (skew) {
  const realNow = Date.now;
  Date.now = () => realNow() + skew;
}

const { default: Provider } = await import('oidc-provider');

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.CLIENTS);
const SCOPES = 'openid email profile groups';

const provider = new Provider(issuer, {
  clients,
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups', 'offline_access'],
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  ttl: { IdToken: 60, AccessToken: 600, AuthorizationCode: 60, Interaction: 3600, Session: 3600, Grant: 3600 },
  cookies: { keys: ['test-only-cookie-key'] },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        const given = sub.split('-').pop();
        return {
          sub,
          email: `${sub}@example.org`,
          email_verified: true,
          given_name: given.charAt(0).toUpperCase() + given.slice(1),
          family_name: 'Tester',
          name: `${given} Tester`,
          preferred_username: sub,
          groups: sub.includes('manager') ? ['sw-managers'] : ['sw-staff'],
        };
      },
    };
  },
  async loadExistingGrant(ctx) {
    // Consent is taken as given: the organisation's provider is trusted by the service.
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(SCOPES);
    await grant.save();
    return grant;
  },
});
provider.proxy = false;

if (process.env.MISCHIEF === 'wrong-audience') {
  const issue = provider.IdToken.prototype.issue;
  provider.IdToken.prototype.issue = async function issueForAnotherClient(options) {
    this.client = await provider.Client.find('another-service');
    return issue.call(this, options);
  };
}

provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
