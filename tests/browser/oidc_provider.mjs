// A real OpenID Connect provider on loopback for the single sign-on browser tests.
//
//   node tests/browser/oidc_provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
//
// Its built-in sign-in page takes any login name as the account: the account's email is that
// name, verified, and the ID token says the person used a second factor ("mfa" in amr) when
// the name contains "+mfa", a password alone otherwise.
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  // The portal must send a PKCE challenge, as it does to every provider.
  pkce: { required: () => true },
  cookies: { keys: ['loopback-test-provider-only'] },
  claims: {
    acr: null,
    amr: null,
    auth_time: null,
    sid: null,
    iss: null,
    // How the person signed in goes into every ID token, as Entra ID and Okta send it.
    openid: ['sub', 'amr', 'acr', 'auth_time'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, email: sub, email_verified: true, name: sub.split('@')[0] };
      },
    };
  },
  // The portal is a first-party client: no consent page after signing in.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

// The built-in sign-in form names only the account; how the person signed in (amr) is
// decided here, as a real provider decides it from the factors it checked.
provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (ctx.method !== 'POST' || !match) {
    return next();
  }
  const body = new URLSearchParams(await new Promise((resolve, reject) => {
    let data = '';
    ctx.req.on('data', (chunk) => { data += chunk; });
    ctx.req.on('end', () => resolve(data));
    ctx.req.on('error', reject);
  }));
  if (body.get('prompt') !== 'login') {
    ctx.throw(400, 'only the sign-in prompt is expected');
  }
  const login = body.get('login');
  await provider.interactionFinished(ctx.req, ctx.res, {
    login: { accountId: login, amr: login.includes('+mfa') ? ['pwd', 'mfa'] : ['pwd'] },
  }, { mergeWithLastSubmission: false });
  ctx.respond = false;
  return undefined;
});

provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
