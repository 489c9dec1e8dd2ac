import { startEmbeddedDomain } from '@linker/testing';
import { slowAuthSuite } from '@linker/testing/e2e/slow-auth-behaviour';

// A slow `authUrl` webhook against the built embedded entry (`npm run build` first): logins waiting for it must not
// hold up the messages of other users.
slowAuthSuite('embedded mode, slow auth webhook', startEmbeddedDomain);
