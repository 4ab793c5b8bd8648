import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend('wasm');
await tf.ready();
for (const [M,K,N] of [[128,48,72],[128,24,72],[3072,24,72],[128,256,384],[128,48,72]]) {
const a = tf.randomNormal([M,K]); const b = tf.randomNormal([K,N]);
for (let i=0;i<5;i++){ const c=tf.matMul(a,b); c.dispose(); }
let t=performance.now(); for (let i=0;i<50;i++){ const c=tf.matMul(a,b); c.dispose(); } const ms=(performance.now()-t)/50;
console.log(M,K,N,ms.toFixed(3),'GF',(2*M*K*N/ms/1e6).toFixed(1));
}
