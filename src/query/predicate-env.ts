import { Environment } from '@marcbachmann/cel-js';

// What a predicate can call beyond CEL's own functions. Addresses travel in the state as "0x..."
// strings (state values are JSON: a number above 2^53 would lose bits), and CEL compares a string with
// a number as false, not as an error; so `guestPhysAddr == 4294705152.0` can never hold. These make
// an address comparable the way people write it:
//
//   addr(x)  the unsigned integer an address is: addr(state.vms[0].memslots[1].guestPhysAddr) == 0xfffc0000
//            (x: a "0x..." or decimal string, an int, a uint, or a double holding an integer)
//   hex(x)   the same address as the state writes it: hex(4294705152) == "0xfffc0000"

function toAddress(value: unknown): bigint {
  if (typeof value === 'bigint') return BigInt.asUintN(64, value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`addr(): ${value} is not a whole number from 0 to 2^53`);
    return BigInt(value);
  }
  if (typeof value === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(value.trim())) return BigInt(value.trim());
  throw new Error(`addr(): '${String(value)}' is not an address (expected "0x..." or a whole number)`);
}

function build(): Environment {
  const env = new Environment({ unlistedVariablesAreDyn: true });
  for (const type of ['string', 'int', 'uint', 'double']) {
    env.registerFunction(`addr(${type}): uint`, (x: unknown) => toAddress(x));
    env.registerFunction(`hex(${type}): string`, (x: unknown) => '0x' + toAddress(x).toString(16));
  }
  // CEL orders int against uint, but has no == between them: an address against a plain literal
  // (addr(...) == 0xfffc0000) would be "no such overload". Equal when the numbers are equal.
  env.registerOperator('uint == int', (a: bigint, b: bigint) => a === b);
  return env;
}

let env: Environment | undefined;

/** The CEL environment predicates are parsed in, built once. */
export function predicateEnvironment(): Environment {
  env ??= build();
  return env;
}
