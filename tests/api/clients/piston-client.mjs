// Runs LANGUAGE's CODE through the npm package piston-client against SERVER and prints
// its answer as JSON: piston-client.mjs SERVER LANGUAGE CODE [STDIN]
import piston from "piston-client";

const [server, language, code, stdin = ""] = process.argv.slice(2);
const client = piston({ server });
const result = await client.execute(language, code, { stdin, args: [] });
console.log(JSON.stringify(result));
