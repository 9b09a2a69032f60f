/**
 * KEK references for AWS KMS: key ARNs and alias ARNs.
 *
 * Only full ARNs are accepted in configuration because a KEK reference is stored next to
 * every wrapped root key: a bare key id or `alias/name` would resolve against whatever
 * region and account the reading process happens to use. Wrapped keys always record the
 * *key* ARN KMS reports (never the alias), so an alias can later point at a new key without
 * orphaning root keys wrapped under the old one.
 * See https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id
 *
 * @module
 */

/** A parsed KMS ARN: `arn:<partition>:kms:<region>:<account>:key/<id>` or `...:alias/<name>`. */
export interface KmsArn {
  readonly arn: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly kind: 'key' | 'alias';
  readonly resource: string;
}

const ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):(key|alias)\/([A-Za-z0-9/_-]+)$/;

/** Parses a KMS key or alias ARN; `undefined` for anything else. */
export function parseKmsArn(value: string): KmsArn | undefined {
  const match = ARN.exec(value);
  if (match === null) return undefined;
  const [, partition, region, account, kind, resource] = match as unknown as [string, string, string, string, 'key' | 'alias', string];
  return { arn: value, partition, region, account, kind, resource };
}

/** Whether `key` (a key ARN) could be the target of `alias` (an alias ARN): same partition, region and account. */
export function sameKeySpace(key: KmsArn, alias: KmsArn): boolean {
  return key.partition === alias.partition && key.region === alias.region && key.account === alias.account;
}
