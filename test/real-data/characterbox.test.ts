import { describeCharacterBoxFile } from '../scene/characterbox-suite.ts';
import { describeRealData, sharedData } from '../support/real-data.ts';

// A scene file released with CharacterBox (Journey to the West), as released (../shared/data/characterbox/README.md).
describeRealData('a released CharacterBox scene file (xiyouji_extracted_scenes.json)', () => {
  const path = sharedData('characterbox', 'xiyouji_extracted_scenes.json');
  describeCharacterBoxFile('the released file', {
    path,
    scenes: 46,
    castTotal: 120,
    first: {
      title: '西游记: 山谷误会',
      cast: ['孙悟空', '猪八戒'],
      firstDescription: '神通广大的美猴王，身披锁子黄金甲，手持如意金箍棒。\nGender: 男',
      setting: 'Time: 唐僧师徒西行取经途中\nPlace: 荒僻山谷\n山谷幽深，云雾缭绕，奇花异草遍布，一派神秘景象。\n'
        + '孙悟空 is at 山谷巨石之上, feeling 警觉、好奇.\n猪八戒 is at 山谷小溪之畔, feeling 迷茫、饥饿.',
      opening: [
        { actor: '孙悟空', kind: 'action', text: '孙悟空眼观六路，耳听八方，发现猪八戒，误以为又是妖怪变化，挥舞金箍棒准备迎敌。' },
        { actor: '孙悟空', kind: 'speech', text: '何处来的妖怪，敢挡你孙爷爷的去路！' },
        { actor: '猪八戒', kind: 'action', text: '猪八戒正饥肠辘辘，听到孙悟空的喊声，本能地举起钉耙自卫。' },
        { actor: '猪八戒', kind: 'speech', text: '何人敢与天蓬元帅为敌？' },
      ],
      notes: [
        'Plot to steer towards: 孙悟空与猪八戒在荒僻山谷的偶遇，因误会而起的冲突，最终在师徒情谊的感召下化解，继续西行取经之路。',
        'Imported from CharacterBox: xiyouji_extracted_scenes.json, scene 0, from source passage (chunk) 31.',
      ],
      sourceOnly: '火眼金睛',
    },
    pick: 3,
    knownIds: /no scene with id 99; ids are 0, 1, 2/,
    yamlRoundTrip: [0, 17, 45],
  });
});
