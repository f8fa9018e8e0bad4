/**
 * Another instance teaching into the same FAQ file: appends `count` new
 * entries through `TaughtFaqFile`, one after another, then exits.
 *   node --import tsx tests/support/taught-faq-adder.child.ts <file> <count>
 */
import { TaughtFaqFile } from '../../src/adapters/http/admin/taught-faq.file.js';

const [file, count] = process.argv.slice(2);
const faq = new TaughtFaqFile(file as string);
for (let i = 0; i < Number(count); i++) await faq.add({ question: `另一个实例的问题 ${i}`, answer: `答案 ${i}`, similar: [] });
