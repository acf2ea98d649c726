#!/usr/bin/env python3
"""Prints what each LLM preset predicts, as Markdown tables, from the recorded snapshots
(`sparktwin snapshot --record --only workloads/ --only=-decode.yaml` writes them): pp2048,
TTFT and tg32 of `Scenarios/workloads/<model>.yaml`, decode at batch 1, 8 and 32 at context 0
and a long context from `Scenarios/sweeps/<model>-decode.yaml`, and where one batch-1 decode
token's time goes. Usage: tools/llm_presets_table.py (from the repository's top)."""
import glob,os
def parse(path):
    secs={};cur=''
    for line in open(path):
        if line.startswith('## '): cur=line[3:].strip(); continue
        p=line.split()
        if len(p)>=2:
            try: secs.setdefault(cur,{})[p[0]]=float(p[1])
            except: pass
    return secs
S='Tests/Snapshots/scenarios/'
models=[('gpt-oss-20b','gguf-mxfp4'),('gpt-oss-120b','gguf-mxfp4'),('llama-3.1-8b','fp8'),('llama-3.1-70b','nvfp4'),('qwen2.5-7b','gguf-q8_0')]
print('| model (weights) | pp2048 tok/s | TTFT | tg32 after pp | tg ctx 0 | tg long ctx | b8 ctx0 (agg) | b32 ctx0 (agg) | b8 long (agg) | b32 long (agg) |')
print('|---|---|---|---|---|---|---|---|---|---|')
rows2=[]
for m,w in models:
    g=parse(S+'workloads/%s.txt'%m)['']
    sw=parse(S+'sweeps/%s-decode.txt'%m)
    keys=sorted(k for k in sw if k)
    def find(b,ctx0):
        for k in sw:
            if not k: continue
            if 'batch=%d '%b in k+' ' and (('context=0' in k)==ctx0): return k,sw[k]
    def cell(b,ctx0):
        k,v=find(b,ctx0); return '%.1f (%.0f)'%(v['llm.decode.tokens_per_s'],v['llm.decode.tokens_per_s.aggregate']) if b>1 else '%.1f'%v['llm.decode.tokens_per_s']
    klong,_=find(1,False); ctx=klong.split('context=')[1].split()[0]
    print('| %s (%s) | %s | %.0f ms | %.1f | %s | %s (%s) | %s | %s | %s | %s |'%(m,w,format(round(g['llm.prefill.tokens_per_s']),','),g['llm.time_to_first_token'],g['llm.decode.tokens_per_s'],cell(1,True),cell(1,False),ctx,cell(8,True),cell(32,True),cell(8,False),cell(32,False)))
    d=find(1,True)[1]
    rows2.append((m,d))
print()
print('| model | step ms | gemv | moe | attention | elementwise | head | launch | host | GB/token | GB/s (share) | package W | J/token |')
print('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
for m,d in rows2:
    t=lambda n: d['llm.decode.token_time.'+n]/1000
    print('| %s | %.2f | %.2f | %.2f | %.3f | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f (%.0f %%) | %.1f | %.2f |'%(m,d['llm.decode.time_per_token'],t('gemv'),t('moe'),t('attention'),t('elementwise'),t('embedding'),t('launch'),t('host'),d['llm.decode.bytes_per_token']/1e9,d['llm.decode.bandwidth'],100*d['llm.decode.bandwidth_share'],d['power.package.mean'],d['llm.energy_per_token']))
