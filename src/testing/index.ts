/**
 * `fieldseal/testing`: contract suites for code that plugs into fieldseal. Framework
 * agnostic: pass your framework's `describe`/`it`/`beforeAll`/`afterAll`; assertions use
 * `node:assert`, so no test framework is a dependency of fieldseal.
 *
 * @module
 */
export { runKeyProviderContract, type KeyProviderContractOptions, type ProviderUnderTest } from './provider-contract.js';
export { runKeyringContract, type KeyringContractOptions, type KeyringUnderTest, type PeerFaults } from './keyring-contract.js';
export { runKeyStoreContract, type KeyStoreContractOptions, type KeyStoreUnderTest } from './key-store-contract.js';
export { runRowSourceContract, type RowSourceContractOptions, type RowSourceUnderTest, type RowSourceTable, type RowTableSpec } from './row-source-contract.js';
export type { ContractTestApi, HookBody, TestBody } from './test-api.js';
export { findLeak } from './leak-check.js';
